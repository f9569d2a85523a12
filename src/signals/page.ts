import { F_DEVICE, F_GEO, F_TIME } from '../features';
import type { Context, Manifest } from '../manifest/types';
import { extrasNow } from '../parts';
import type { PageSignals } from './context';
import type { DeviceInput, DeviceSignals } from './device-common';
import { isCrawler } from './device-common';
import { readDevice } from './device-core';
import { browserGeoInput, geoSignals } from './geo';
import { timeSignals } from './time';

interface NavigatorWithHints {
  userAgentData?: { brands?: { brand: string; version: string }[]; mobile?: boolean; platform?: string };
  globalPrivacyControl?: boolean;
}

/** The window-less fallback used when Tailor runs outside a browser (SSR, tests in Node). */
const BLANK_URL = 'http://localhost/';

/**
 * Reads the page, device, geo and time signals of one page view. Every read is defensive:
 * a missing global yields `null`, never a throw (SSR and locked-down embeds).
 */
export function readPage(
  manifest: Manifest,
  now: number,
  country: string | null | undefined,
  behavior: Context['behavior'],
  /** Device details already read (the `ua` module or chunk); else the device class, read when first needed. */
  device?: DeviceSignals | null,
): PageSignals {
  const g = globalThis as unknown as Partial<Window & typeof globalThis>;
  const doc = g.document;
  const url = new URL(g.location?.href || BLANK_URL);
  const meta = doc?.querySelector?.('meta[name="tailor:category"]')?.getAttribute('content') || null;
  const scr = g.screen;
  const input = deviceInput(manifest);
  return {
    _url: url,
    _referrer: doc?.referrer || null,
    _title: doc?.title || '',
    // The meta tag, else the manifest's categories (the tags: once the `extras` chunk is there).
    _category: meta || extrasNow()?.pageCategory(manifest.categories, url.pathname, null) || null,
    // Read when a condition or template reads device, os or browser. Without details from
    // ua-parser-js (loaded only when the manifest reads them), the device class alone; in a
    // site tag built for a manifest that reads none of them, nothing.
    get _device() {
      device ||= F_DEVICE ? readDevice(input) : ({ device: {}, os: {}, browser: {} } as DeviceSignals);
      return device;
    },
    _bot: isCrawler(input),
    _screen: { width: scr?.width ?? null, height: scr?.height ?? null },
    _geo: F_GEO ? geoSignals(Object.assign(browserGeoInput(), { country })) : ({} as PageSignals['_geo']),
    _time: F_TIME ? timeSignals(new Date(now)) : ({} as PageSignals['_time']),
    _behavior: behavior,
  };
}

/** What the device signal reads from the browser. */
export function deviceInput(manifest: Manifest): DeviceInput {
  const nav = globalThis.navigator as (Navigator & NavigatorWithHints) | undefined;
  return {
    ua: nav?.userAgent || '',
    touchPoints: nav?.maxTouchPoints || 0,
    hints: nav?.userAgentData || null,
    webdriver: !!nav?.webdriver,
    excludeAutomation: !!manifest.excludeAutomation,
  };
}

/** `navigator.globalPrivacyControl === true` (docs/consent.md). */
export function gpcEnabled(): boolean {
  return (
    (globalThis.navigator as (Navigator & NavigatorWithHints) | undefined)?.globalPrivacyControl === true
  );
}
