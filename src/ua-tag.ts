/**
 * The tags' device details, loaded from the tag's own address when a manifest reads `os.*`,
 * `browser.*`, `device.vendor` or `device.model`: ua-parser-js (`tailor.ua.js`) for the full
 * tag, the small classifier (`tailor.device.js`) for the lite tag (rollup.config.mjs sets
 * `__DEVICE_CHUNK__`).
 */
import { loadChunk } from './chunk';
import type { DeviceInput, DeviceSignals } from './signals/device-common';

declare const __DEVICE_CHUNK__: string;

export const loadUa = () => loadChunk<{ readDevice(input: DeviceInput): DeviceSignals }>(__DEVICE_CHUNK__);
export const UA_KEY = `tlr_${__DEVICE_CHUNK__}`;
