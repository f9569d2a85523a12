/**
 * Device signal, lite build: UA Client Hints where the browser has them, plus a small
 * regex classifier. Same names as the full build; `device.vendor` and `device.model` are null.
 */

import type { DeviceInput, DeviceSignals } from './device-common';
import { canonical, coarseType, isCrawler, major } from './device-common';

// First match wins; order matters (Edge and Opera also say "Chrome", Chrome also says "Safari").
const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/([\d.]+)/, 'Edge'],
  [/(?:OPR|Opera|OPT)\/([\d.]+)/, 'Opera'],
  [/SamsungBrowser\/([\d.]+)/, 'Samsung Internet'],
  [/YaBrowser\/([\d.]+)/, 'Yandex'],
  [/UCBrowser\/([\d.]+)/, 'UCBrowser'],
  [/(?:Firefox|FxiOS)\/([\d.]+)/, 'Firefox'],
  [/(?:HeadlessChrome|Chrome|CriOS)\/([\d.]+)/, 'Chrome'],
  [/Version\/([\d.]+).*Safari\//, 'Safari'],
];
const OSES: [RegExp, string][] = [
  [/Windows NT ([\d.]+)(?!.+Xbox)/, 'Windows'],
  [/(?:iPhone|iPad|iPod).*? OS ([\d_]+)/, 'iOS'],
  [/Android ?([\d.]*)/, 'Android'],
  [/CrOS/, 'Chrome OS'],
  // No name: the match is the name (TVs, consoles), canonicalised.
  [/PlayStation|Xbox|Nintendo|Tizen|Web0S|CrKey/, ''],
  [/Mac OS X ?([\d_.]*)/, 'macOS'],
  [/Linux/, 'Linux'],
];

const find = (table: [RegExp, string][], ua: string) => {
  for (const [re, name] of table) {
    const m = re.exec(ua);
    if (m) return { name: name || canonical(m[0]), version: m[1]?.replace(/_/g, '.') || null };
  }
  return { name: null, version: null };
};

export function readDevice(input: DeviceInput): DeviceSignals {
  const { ua, hints } = input;
  const tp = input.touchPoints || 0;
  let type = isCrawler(input) ? 'bot' : coarseType(ua, tp);
  if (hints?.mobile && type === 'desktop') type = 'mobile';
  const os = find(OSES, ua);
  if (type === 'tablet' && os.name === 'macOS') (os.name = 'iOS'), (os.version = null);
  if (hints?.platform && !os.name) os.name = canonical(hints.platform);
  const browser = find(BROWSERS, ua);
  return {
    device: { type: type as DeviceSignals['device']['type'], vendor: null, model: null, touch: tp > 0 },
    os,
    browser: { ...browser, major: major(browser.version) },
  };
}
