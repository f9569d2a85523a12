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

// Host patterns → source, by medium (tried in this order; the first match wins). Webmail comes
// before search so mail.google.com is email. Each entry matches the host or any subdomain of
// it; `google.*` covers the country domains.
const REFERRERS: Record<string, [RegExp, string][]> = {
  email: [
    [/^(mail\.google\.|com\.google\.android\.gm$)/, 'gmail'], // + the Android Gmail app
    [/^(outlook\.(live|office|office365)\.com|mail\.live\.com)$/, 'outlook'],
    [/^mail\.yahoo\./, 'yahoo-mail'],
    [/^mail\.aol\./, 'aol-mail'],
    [/^(mail\.)?proton(mail)?\.(me|com)$/, 'proton-mail'],
    [/^(mail\.yandex|e\.mail\.ru|mail\.zoho|webmail\.|mail\.gmx|navigator\.gmx|web\.de$)/, 'webmail'],
  ],
  organic: [
    // Search itself, not Docs, News or Sites (those are referrals, as in GA4).
    [/^((www|m)\.)?google\.[a-z.]+$|^com\.google\.android\.googlequicksearchbox$/, 'google'],
    [/(^|\.)bing\.com$/, 'bing'],
    [/(^|\.)search\.yahoo\.|(^|\.)yahoo\.[a-z.]+$/, 'yahoo'],
    [/(^|\.)duckduckgo\.com$/, 'duckduckgo'],
    [/(^|\.)baidu\.com$/, 'baidu'],
    [/(^|\.)sogou\.com$/, 'sogou'],
    [/(^|\.)so\.com$/, '360'],
    [/(^|\.)yandex\.[a-z.]+$|(^|\.)ya\.ru$/, 'yandex'],
    [/(^|\.)ecosia\.org$/, 'ecosia'],
    [/(^|\.)naver\.com$/, 'naver'],
    [/(^|\.)seznam\.cz$/, 'seznam'],
    [/(^|\.)qwant\.com$/, 'qwant'],
    [/(^|\.)startpage\.com$/, 'startpage'],
    [/^search\.brave\.com$/, 'brave'],
    [/(^|\.)ask\.com$/, 'ask'],
    [/(^|\.)aol\.[a-z.]+$/, 'aol'],
  ],
  social: [
    [/(^|\.)(facebook\.com|fb\.com|fb\.me|messenger\.com)$/, 'facebook'],
    [/(^|\.)instagram\.com$/, 'instagram'],
    [/^(t\.co|(.+\.)?twitter\.com|(.+\.)?x\.com)$/, 'x'],
    [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'linkedin'],
    [/(^|\.)pinterest\.[a-z.]+$|^pin\.it$/, 'pinterest'],
    [/(^|\.)reddit\.com$|^redd\.it$/, 'reddit'],
    [/(^|\.)(youtube\.com|youtu\.be)$/, 'youtube'],
    [/(^|\.)tiktok\.com$/, 'tiktok'],
    [/(^|\.)snapchat\.com$/, 'snapchat'],
    [/(^|\.)whatsapp\.com$|^wa\.me$/, 'whatsapp'],
    [/(^|\.)(telegram\.org|t\.me)$/, 'telegram'],
    [/(^|\.)(vk\.com|ok\.ru)$/, 'vk'],
    [/(^|\.)quora\.com$/, 'quora'],
    [/(^|\.)threads\.(net|com)$/, 'threads'],
    [/(^|\.)(bsky\.app|mastodon\.social)$/, 'bluesky-mastodon'],
  ],
};

const touch = (
  source: string,
  medium: string,
  campaign: string | null = null,
  term: string | null = null,
  content: string | null = null,
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
  const medium = p('utm_medium');
  const campaign = p('utm_campaign');
  if (source || medium || campaign)
    return touch(source || '(not set)', medium || '(not set)', campaign, p('utm_term'), p('utm_content'));
  for (const [id, s, m] of CLICK_IDS) if (q.has(id)) return touch(s, m);
  // Hosts without `www.`: example.com and www.example.com are the same site.
  const bare = (h: string) => h.toLowerCase().replace(/^www\.|:\d+$/g, '');
  let host = '';
  try {
    host = referrer ? bare(new URL(referrer).hostname) : '';
  } catch {}
  if (!host || host === bare(ownHost)) return touch('direct', 'none');
  for (const medium in REFERRERS)
    for (const [re, source] of REFERRERS[medium]!) if (re.test(host)) return touch(source, medium);
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
