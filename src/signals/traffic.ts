/**
 * Traffic attribution (SPEC §4): UTM parameters first, then click ids, then the referrer
 * (search engines → organic, social networks → social, webmail → email, other hosts →
 * referral), else direct / none. Last touch per session; the first session's touch is kept.
 */
import type { TrafficTouch } from '../manifest/types';

const CLICK_IDS: [string, string, string][] = [
  ['gclid', 'google', 'cpc'],
  ['gbraid', 'google', 'cpc'],
  ['wbraid', 'google', 'cpc'],
  ['dclid', 'google', 'cpc'],
  ['fbclid', 'facebook', 'paid-social'],
  ['msclkid', 'bing', 'cpc'],
  ['ttclid', 'tiktok', 'paid-social'],
  ['li_fat_id', 'linkedin', 'paid-social'],
  ['twclid', 'x', 'paid-social'],
];

// Host patterns → [source, medium]. Webmail comes before search so mail.google.com is email.
// Each entry matches the host or any subdomain of it; `google.*` covers the country domains.
const REFERRERS: [RegExp, string, string][] = [
  [/^(mail\.google\.|com\.google\.android\.gm$)/, 'gmail', 'email'], // + the Android Gmail app
  [/^(outlook\.(live|office|office365)\.com|mail\.live\.com)$/, 'outlook', 'email'],
  [/^mail\.yahoo\./, 'yahoo-mail', 'email'],
  [/^mail\.aol\./, 'aol-mail', 'email'],
  [/^(mail\.)?proton(mail)?\.(me|com)$/, 'proton-mail', 'email'],
  [/^(mail\.yandex|e\.mail\.ru|mail\.zoho|webmail\.|mail\.gmx|navigator\.gmx|web\.de$)/, 'webmail', 'email'],
  [/(^|\.)google\.[a-z.]+$/, 'google', 'organic'],
  [/(^|\.)bing\.com$/, 'bing', 'organic'],
  [/(^|\.)search\.yahoo\.|(^|\.)yahoo\.[a-z.]+$/, 'yahoo', 'organic'],
  [/(^|\.)duckduckgo\.com$/, 'duckduckgo', 'organic'],
  [/(^|\.)baidu\.com$/, 'baidu', 'organic'],
  [/(^|\.)sogou\.com$/, 'sogou', 'organic'],
  [/(^|\.)so\.com$/, '360', 'organic'],
  [/(^|\.)yandex\.[a-z.]+$|(^|\.)ya\.ru$/, 'yandex', 'organic'],
  [/(^|\.)ecosia\.org$/, 'ecosia', 'organic'],
  [/(^|\.)naver\.com$/, 'naver', 'organic'],
  [/(^|\.)seznam\.cz$/, 'seznam', 'organic'],
  [/(^|\.)qwant\.com$/, 'qwant', 'organic'],
  [/(^|\.)startpage\.com$/, 'startpage', 'organic'],
  [/^search\.brave\.com$/, 'brave', 'organic'],
  [/(^|\.)ask\.com$/, 'ask', 'organic'],
  [/(^|\.)aol\.[a-z.]+$/, 'aol', 'organic'],
  [/(^|\.)(facebook\.com|fb\.com|fb\.me|messenger\.com)$/, 'facebook', 'social'],
  [/(^|\.)instagram\.com$/, 'instagram', 'social'],
  [/^(t\.co|(.+\.)?twitter\.com|(.+\.)?x\.com)$/, 'x', 'social'],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'linkedin', 'social'],
  [/(^|\.)pinterest\.[a-z.]+$|^pin\.it$/, 'pinterest', 'social'],
  [/(^|\.)reddit\.com$|^redd\.it$/, 'reddit', 'social'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'youtube', 'social'],
  [/(^|\.)tiktok\.com$/, 'tiktok', 'social'],
  [/(^|\.)snapchat\.com$/, 'snapchat', 'social'],
  [/(^|\.)whatsapp\.com$|^wa\.me$/, 'whatsapp', 'social'],
  [/(^|\.)(telegram\.org|t\.me)$/, 'telegram', 'social'],
  [/(^|\.)(vk\.com|ok\.ru)$/, 'vk', 'social'],
  [/(^|\.)quora\.com$/, 'quora', 'social'],
  [/(^|\.)threads\.(net|com)$/, 'threads', 'social'],
  [/(^|\.)(bsky\.app|mastodon\.social)$/, 'bluesky-mastodon', 'social'],
];

const touch = (
  source: string,
  medium: string,
  campaign: string | null = null,
  term = null,
  content = null,
): TrafficTouch => ({
  source,
  medium,
  campaign,
  term,
  content,
});

/** The touch of one page view, from its URL and referrer. */
export function trafficTouch(url: URL | string, referrer: string | null, ownHost: string): TrafficTouch {
  let q: URLSearchParams;
  try {
    q = new URL(String(url)).searchParams;
  } catch {
    q = new URLSearchParams();
  }
  const p = (k: string) => q.get(k) || null;
  const source = p('utm_source');
  if (source || p('utm_medium') || p('utm_campaign')) {
    return {
      source: source || '(not set)',
      medium: p('utm_medium') || '(not set)',
      campaign: p('utm_campaign'),
      term: p('utm_term'),
      content: p('utm_content'),
    };
  }
  for (const [id, s, m] of CLICK_IDS) if (q.has(id)) return touch(s, m);
  // Hosts without `www.`: example.com and www.example.com are the same site.
  const bare = (h: string) => h.toLowerCase().replace(/^www\.|:\d+$/g, '');
  let host = '';
  try {
    host = referrer ? bare(new URL(referrer).hostname) : '';
  } catch {}
  if (!host || host === bare(ownHost)) return touch('direct', 'none');
  for (const [re, s, m] of REFERRERS) if (re.test(host)) return touch(s, m);
  return touch(host, 'referral');
}

/**
 * The session's last touch: a new session takes the current touch; within a session a
 * non-direct touch (a new campaign click) replaces the stored one, and direct does not.
 */
export function sessionTouch(
  prev: TrafficTouch | undefined,
  current: TrafficTouch,
  newSession: boolean,
): TrafficTouch {
  return newSession || !prev || current.medium !== 'none' ? current : prev;
}
