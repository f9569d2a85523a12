import { describe, expect, it } from 'vitest';
import type { DeviceType } from '../../src/manifest/types';
import { readDevice as readFull } from '../../src/signals/device';
import type { DeviceInput, DeviceSignals } from '../../src/signals/device-common';
import { readDevice as readLite } from '../../src/signals/device-lite';
import fixture from '../fixtures/user-agents.json';

interface Expected {
  type: DeviceType;
  os: string | null;
  browser: string | null;
}
interface Entry {
  name: string;
  ua: string;
  touchPoints?: number;
  expect: Expected;
  /** Fields where the lite build may answer more coarsely, with the lite value and a reason. */
  lite?: Partial<Expected> & { why: string };
}

const entries = fixture as Entry[];
const TYPES: DeviceType[] = ['mobile', 'tablet', 'desktop', 'tv', 'console', 'wearable', 'bot'];
const input = (e: Entry): DeviceInput => ({ ua: e.ua, touchPoints: e.touchPoints ?? 0 });
const summary = (s: DeviceSignals): Expected => ({
  type: s.device.type,
  os: s.os.name,
  browser: s.browser.name,
});
const liteExpect = (e: Entry): Expected => {
  const { why: _why, ...o } = e.lite ?? { why: '' };
  return { ...e.expect, ...o };
};

describe('user-agent fixture', () => {
  it('is large, real-world shaped and well formed', () => {
    expect(entries.length).toBeGreaterThanOrEqual(70);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    for (const e of entries) {
      expect(TYPES, e.name).toContain(e.expect.type);
      if (e.lite) {
        expect(e.lite.why.length, e.name).toBeGreaterThan(20);
        expect(Object.keys(e.lite).length, e.name).toBeGreaterThan(1);
      }
    }
    // Every device class is represented.
    for (const t of TYPES)
      expect(
        entries.some((e) => e.expect.type === t),
        t,
      ).toBe(true);
    // Lite overrides stay rare.
    expect(entries.filter((e) => e.lite).length).toBeLessThanOrEqual(entries.length * 0.05);
  });
});

describe.each([
  ['full', readFull, (e: Entry) => e.expect],
  ['lite', readLite, liteExpect],
] as const)('%s build', (_build, read, expected) => {
  it.each(entries.map((e) => [e.name, e] as const))('%s', (_name, e) => {
    expect(summary(read(input(e)))).toEqual(expected(e));
  });

  it('reports touch support from touchPoints', () => {
    const ua = entries.find((e) => e.name === 'Windows 10 Chrome')!.ua;
    expect(read({ ua, touchPoints: 10 }).device.touch).toBe(true);
    expect(read({ ua, touchPoints: 0 }).device.touch).toBe(false);
    expect(read({ ua }).device.touch).toBe(false);
  });

  it('gives nulls, not a throw, for an empty user agent', () => {
    const r = read({ ua: '' });
    expect(r.os).toEqual({ name: null, version: null });
    expect(r.browser).toEqual({ name: null, version: null, major: null });
    expect(r.device.vendor).toBeNull();
    expect(r.device.model).toBeNull();
    expect(TYPES).toContain(r.device.type);
    expect(() => read({ ua: '', touchPoints: 5, hints: null })).not.toThrow();
  });

  it('reads versions and major versions', () => {
    const r = read({ ua: entries.find((e) => e.name === 'Windows Edge (Chromium)')!.ua });
    expect(r.browser).toEqual({ name: 'Edge', version: '126.0.0.0', major: 126 });
    expect(r.os.name).toBe('Windows');
    const ios = read({ ua: entries.find((e) => e.name === 'iPhone Safari iOS 17')!.ua });
    expect(ios.os.version).toBe('17.4.1');
    expect(ios.browser.major).toBe(17);
  });

  it('treats headless and webdriver browsers as crawlers only with excludeAutomation', () => {
    const ua = entries.find((e) => e.name === 'HeadlessChrome Linux (Puppeteer/Playwright)')!.ua;
    expect(read({ ua }).device.type).toBe('desktop');
    expect(read({ ua, excludeAutomation: true }).device.type).toBe('bot');
    const chrome = entries.find((e) => e.name === 'Linux Chrome')!.ua;
    expect(read({ ua: chrome, webdriver: true }).device.type).toBe('desktop');
    expect(read({ ua: chrome, webdriver: true, excludeAutomation: true }).device.type).toBe('bot');
  });
});

describe('lite and full agree', () => {
  it('on device.type for at least 95% of the fixture', () => {
    const disagree = entries.filter((e) => readLite(input(e)).device.type !== readFull(input(e)).device.type);
    const ratio = (entries.length - disagree.length) / entries.length;
    console.info(
      `device.type agreement lite/full: ${(ratio * 100).toFixed(1)}% (${entries.length - disagree.length}/${entries.length})` +
        (disagree.length ? `; differ: ${disagree.map((e) => e.name).join(', ')}` : ''),
    );
    expect(ratio).toBeGreaterThanOrEqual(0.95);
  });
});

describe('lite build: UA Client Hints', () => {
  // What Chrome sends with "Request desktop site" on Android, or a UA reduced to nothing useful.
  const bare = 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

  it('uses hints.mobile when the UA looks like a desktop', () => {
    expect(readLite({ ua: bare }).device.type).toBe('desktop');
    expect(readLite({ ua: bare, hints: { mobile: true, platform: 'Android' } }).device.type).toBe('mobile');
    expect(readLite({ ua: bare, hints: { mobile: false, platform: 'Android' } }).device.type).toBe('desktop');
  });

  it('uses hints.platform when the UA names no OS', () => {
    expect(readLite({ ua: bare }).os.name).toBeNull();
    expect(readLite({ ua: bare, hints: { mobile: true, platform: 'Android' } }).os.name).toBe('Android');
    expect(readLite({ ua: bare, hints: { platform: 'Windows' } }).os.name).toBe('Windows');
    expect(readLite({ ua: bare, hints: { platform: 'macOS' } }).os.name).toBe('macOS');
    expect(readLite({ ua: bare, hints: { platform: 'Chrome OS' } }).os.name).toBe('Chrome OS');
    expect(readLite({ ua: '', hints: { mobile: true, platform: 'Android' } })).toMatchObject({
      device: { type: 'mobile' },
      os: { name: 'Android' },
      browser: { name: null },
    });
  });

  it('lets a UA that names its OS and class win over the hints', () => {
    const ipad = entries.find((e) => e.name === 'iPad Chrome (CriOS)')!.ua;
    expect(readLite({ ua: ipad, hints: { mobile: true, platform: 'Android' } })).toMatchObject({
      device: { type: 'tablet' },
      os: { name: 'iOS' },
    });
  });

  it('never turns a crawler into a phone', () => {
    const bot = entries.find((e) => e.name === 'Googlebot (classic)')!.ua;
    expect(readLite({ ua: bot, hints: { mobile: true, platform: 'Android' } }).device.type).toBe('bot');
  });

  it('ignores empty or null hints', () => {
    expect(readLite({ ua: bare, hints: null }).device.type).toBe('desktop');
    expect(readLite({ ua: bare, hints: {} }).os.name).toBeNull();
    expect(readLite({ ua: bare, hints: { platform: '' } }).os.name).toBeNull();
  });
});
