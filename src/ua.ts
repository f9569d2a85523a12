/**
 * Device details (operating system, browser, vendor, model) for the script tags: `null` here,
 * since the npm build reads them in the core. The tags swap in ua-tag.ts, which loads them as a
 * chunk when a manifest reads them: the full tag's `ua` (ua-parser-js), the lite tag's `device`
 * (a small classifier).
 */
import type { DeviceInput, DeviceSignals } from './signals/device-common';

export const loadUa: null | (() => Promise<{ readDevice(input: DeviceInput): DeviceSignals }>) = null;
/** Where the answer for this user agent is kept between page views (with consent to store). */
export const UA_KEY = '';
