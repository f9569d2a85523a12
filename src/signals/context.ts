import type { ConsentState, Context, JsonValue, Manifest } from '../manifest/types';
import { extrasNow } from '../parts';
import type { Profile } from '../storage/profile';
import type { DeviceSignals } from './device-common';
import { visitorContext } from './visitor';

/** Everything read from the page and the browser for one page view (see `readPage` in page.ts). */
export interface PageSignals {
  /** The page URL. */
  _url: URL;
  /** `document.referrer`, or null. */
  _referrer: string | null;
  /** `document.title`. */
  _title: string;
  /** Page category (manifest `categories` or `<meta name="tailor:category">`). */
  _category: string | null;
  /** Device, OS and browser (computed on first read). */
  readonly _device: DeviceSignals;
  /** A crawler (cheap check, without parsing the user agent): no rendering, no beacons. */
  _bot: boolean;
  /** Screen size. */
  _screen: Context['screen'];
  /** Geo. */
  _geo: Context['geo'];
  /** Local time. */
  _time: Context['time'];
  /** Live behaviour (getters). */
  _behavior: Context['behavior'];
}

/** Assembles the context (docs/context.md). Scores, journey and remote values are filled in by the runtime. */
export function buildContext(
  manifest: Manifest,
  page: PageSignals,
  profile: Profile,
  id: string,
  now: number,
  data: Record<string, JsonValue>,
  consent: ConsentState,
): Context {
  const url = page._url;
  // First value of each parameter. Null prototype and own-property checks: with `k in {}`,
  // `?constructor=a&toString=b` gave no page.query.constructor (an Object.prototype member).
  const query: Record<string, string> = Object.create(null);
  url.searchParams.forEach((v, k) => {
    if (!Object.hasOwn(query, k)) query[k] = v;
  });
  // docs/context.md: every listed dataLayer key exists, null until pushed or set(). (The script tag's
  // light manifest guard does not check `dataLayer` is a list: a malformed one must not throw.)
  const siteData = { ...data };
  const keys = manifest.dataLayer;
  if (Array.isArray(keys)) for (const k of keys) if (!Object.hasOwn(siteData, k)) siteData[k] = null;
  const { visitor, session } = visitorContext(profile, id, now, manifest.goals);
  return {
    visitor,
    session,
    page: {
      url: url.origin + url.pathname + url.search,
      path: url.pathname,
      host: url.host,
      query,
      referrer: page._referrer,
      title: page._title,
      category: page._category,
    },
    traffic: { ...profile.session.touch, first: { ...profile.firstTouch } },
    get device() {
      return page._device.device;
    },
    get os() {
      return page._device.os;
    },
    get browser() {
      return page._device.browser;
    },
    screen: page._screen,
    geo: page._geo,
    time: page._time,
    behavior: page._behavior,
    affinity: extrasNow()?.affinityContext(
      profile.affinity,
      now,
      manifest.affinityHalfLifeDays,
      manifest.categories,
    ) || {
      top: null,
    },
    journey: { stage: 'new' },
    score: {},
    data: siteData,
    remote: {},
    consent: { state: consent },
  };
}
