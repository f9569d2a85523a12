/**
 * Device signal in the full script tag's core: the device class and crawler check only. The
 * operating system, browser, vendor and model come from ua-parser-js in the `ua` chunk, which
 * the tag loads before deciding when a manifest reads them (src/ua-tag.ts); otherwise they are
 * null, like any signal the manifest does not read.
 */
import type { DeviceInput, DeviceSignals } from './device-common';
import { coarseType, isCrawler } from './device-common';

export function readDevice(input: DeviceInput): DeviceSignals {
  const tp = input.touchPoints || 0;
  let type = isCrawler(input) ? 'bot' : coarseType(input.ua, tp);
  if (input.hints?.mobile && type === 'desktop') type = 'mobile';
  const none = { name: null, version: null };
  return {
    device: { type: type as DeviceSignals['device']['type'], vendor: null, model: null, touch: tp > 0 },
    os: none,
    browser: { ...none, major: null },
  };
}
