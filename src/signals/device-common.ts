import type { Context } from '../manifest/types';

/** What the device signal reads (both builds take the same input). */
export interface DeviceInput {
  ua: string;
  touchPoints?: number;
  hints?: { brands?: { brand: string; version: string }[]; mobile?: boolean; platform?: string } | null;
  webdriver?: boolean;
  excludeAutomation?: boolean;
}

/** What the device signal yields. */
export interface DeviceSignals {
  device: Context['device'];
  os: Context['os'];
  browser: Context['browser'];
}

/**
 * Search, social, link-preview, AI and monitoring crawlers (docs/context.md), shared by both builds so
 * they agree. Generic words first: `bot` (Googlebot, bingbot, Applebot, Facebot, Twitterbot,
 * GPTBot, UptimeRobot, `Pingdom.com_bot`, `…/bot.html` links) except in Cubot, a phone vendor
 * in Android UAs (`Android 10; CUBOT X30`; no lookbehind: older Safari cannot parse it), then
 * `crawl`, `spider` (Baiduspider), `preview` (BingPreview, SkypeUriPreview), `google(other|-)`
 * and `-google` (GoogleOther, Google-InspectionTool, Mediapartners-Google), Meta's fetchers,
 * WhatsApp's link preview (`WhatsApp/2.23.20.0 A`, at the start: not a browser token) and
 * the agents without such a word. Headless and webdriver browsers are not crawlers unless
 * `excludeAutomation` is set.
 */
const CRAWLER =
  /(^|[^u]|[^c]u)bot|crawl|spider|slurp|preview|google(other|-)|-google|externalhit|meta-external|facebookcatalog|^whatsapp|(chatgpt|claude|perplexity)-user|ahrefs|embedly|iframely|vkshare|cardyb|pingdom|statuscake|site24x7|ia_archiver|python-requests|curl\//i;

export function isCrawler(input: DeviceInput): boolean {
  return (
    CRAWLER.test(input.ua) ||
    (!!input.excludeAutomation && (!!input.webdriver || /HeadlessChrome/.test(input.ua)))
  );
}

/**
 * Device classes both builds agree on, from the UA and touch support: TVs, consoles and
 * watches first (their UAs often also say "Android" or "Mobile"), then tablets and phones.
 * The iPadOS desktop-mode UA says "Macintosh": a Mac with a multi-touch screen is an iPad.
 */
export function coarseType(ua: string, touchPoints: number): Context['device']['type'] {
  if (/smart-?tv|hbbtv|tizen.+tv|web0s|webos.+tv|netcast|appletv|aft[a-z]|bravia|crkey|roku|\btv\b/i.test(ua))
    return 'tv';
  if (/playstation|xbox|nintendo/i.test(ua)) return 'console';
  if (/watch|wear os/i.test(ua)) return 'wearable';
  if (/ipad|tablet|kindle|silk|playbook/i.test(ua) || (/macintosh/i.test(ua) && touchPoints > 1))
    return 'tablet';
  if (/iphone|ipod|mobile|opera mini|iemobile|windows phone/i.test(ua)) return 'mobile';
  if (/android/i.test(ua)) return 'tablet';
  return 'desktop';
}

/** Canonical names, so both builds (and conditions) use the same words. */
const NAMES: Record<string, string> = {
  'mobile safari': 'Safari',
  'samsung browser': 'Samsung Internet',
  'chrome headless': 'Chrome',
  'chrome webview': 'Chrome',
  'mobile chrome': 'Chrome',
  'mobile firefox': 'Firefox',
  'opera mobi': 'Opera',
  'opera touch': 'Opera',
  'mac os': 'macOS',
  'chromium os': 'Chrome OS',
  ubuntu: 'Linux',
  debian: 'Linux',
  fedora: 'Linux',
  web0s: 'webOS',
  crkey: 'Chromecast',
};
export const canonical = (name: string | undefined | null): string | null =>
  name ? NAMES[name.toLowerCase()] || name : null;

export const major = (version: string | null | undefined): number | null => {
  const m = version ? parseInt(version, 10) : NaN;
  return Number.isFinite(m) ? m : null;
};
