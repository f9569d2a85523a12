/**
 * Traffic attribution (docs/context.md): UTM parameters first, then click ids, then the referrer
 * (search engines → organic, social networks → social, webmail → email, other hosts →
 * referral), else direct / none. Last touch per session; the first session's touch is kept.
 */
import type { TrafficTouch } from '../manifest/types';
import { tablesNow } from '../parts';

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
    q = new URL(url).searchParams;
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
  // The tags load the table as a chunk; until it is there, another site is a referral.
  const referrers = tablesNow()?.REFERRERS || {};
  for (const medium in referrers)
    for (const [re, source] of referrers[medium]!) if (re.test(host)) return touch(source, medium);
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
