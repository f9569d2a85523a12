/**
 * Device details (operating system, browser, vendor, model) in the npm build: ua-parser-js,
 * `import()`ed before deciding when a manifest reads `os.*`, `browser.*`, `device.vendor` or
 * `device.model` (an app's bundler splits it into a chunk of the app; otherwise it is never
 * loaded). The core reads the device class itself (signals/device-core.ts). The script tags
 * swap in ua-tag.ts, which loads the same from the tag's own address.
 */
import type { DeviceInput, DeviceSignals } from './signals/device-common';

export const loadUa = (): Promise<{ readDevice(input: DeviceInput): DeviceSignals }> => import('./ua-chunk');
/** Where the answer for this user agent is kept between page views (with consent to store). */
export const UA_KEY = 'tlr_ua';
