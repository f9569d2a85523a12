import type { JsonValue, TrafficTouch } from '../manifest/types';

/** A sticky assignment kept in the profile (docs/experiences.md#assignment, step 6). */
export interface StickyAssignment {
  /** Variant id (`holdout` and `global-holdout` included). */
  v: string;
  /** The experience salt the assignment was made under; a different salt re-randomizes. */
  s: string;
}

/** Decayed interest in one category: score as of `t`. */
export interface AffinityEntry {
  /** Score (decayed sum of page views) as of `t`. */
  s: number;
  /** Epoch ms of the last update. */
  t: number;
}

/**
 * What Tailor remembers about a visitor between page views: stored as JSON in localStorage
 * under `tlr_profile` (memory only while consent is not granted). Field names are short and
 * deliberately NOT `_`-prefixed: terser mangles `_` names differently per build and release,
 * and a stored format that changed with every release would turn every visitor into a new one.
 * A stored profile that fails the shape check is discarded, never fatal.
 */
export interface Profile {
  /** Format version of the stored profile. */
  ver: 1;
  /** Epoch ms of the first page view. */
  first: number;
  /** Epoch ms of the latest page view. */
  last: number;
  /** Epoch ms of the last page view of the previous session, null during the first session. */
  prev: number | null;
  /** Number of sessions. */
  visits: number;
  /** Lifetime page views. */
  pageviews: number;
  /** Current session. */
  session: {
    /** Epoch ms the session started. */
    start: number;
    /** Page views in the session. */
    pageviews: number;
    /** Path of the landing page. */
    landing: string;
    /** Last-touch attribution of the session. */
    touch: TrafficTouch;
  };
  /** Attribution of the first session. */
  firstTouch: TrafficTouch;
  /** Lifetime conversions per goal. */
  conversions: { [goal: string]: number };
  /** From `identify`. */
  userId: string | null;
  /** From `identify`, `data-tailor-set`. */
  traits: { [key: string]: JsonValue };
  /** Interest per category. */
  affinity: { [category: string]: AffinityEntry };
  /** Sticky assignments per experience id. */
  sticky: { [experienceId: string]: StickyAssignment };
  /** Frequency memory per experience id (absent in profiles written before it existed). */
  seen?: { [experienceId: string]: Seen };
  /**
   * Set once a `?tailor_force=` was kept in sessionStorage: only then is sessionStorage read
   * before the first DOM change of a page view.
   */
  qa?: 1;
}

/** How often an experience was shown, for `frequency` caps and dismissal memory. */
export interface Seen {
  /** Page views it was shown on, in total. */
  n: number;
  /** Page views it was shown on in the session that started at `s`. */
  k: number;
  /** Start of the session `k` counts in. */
  s: number;
  /** Epoch ms the visitor dismissed it. */
  d?: number;
}
