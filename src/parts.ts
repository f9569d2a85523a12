/**
 * Where the runtime gets the parts a first paint does not need. The npm build `import()`s each
 * when first needed, so an app's bundler splits them into chunks of the app (docs/size.md); once
 * loaded they are at hand at once. The script tags swap this file for parts-tag.ts, which loads
 * them as chunks from the tag's own address (rollup.config.mjs). Either way the runtime is the
 * same core.
 */
import type { Check, Extras, Post, Remote, Tables } from './when';

export type { Check, Extras, Post, Remote, Tables } from './when';

/**
 * Whether parts come as chunks from the tag's address (the tags), asked for only after the first
 * paint; the npm build `import()`s them from the app's own bundle when needed.
 */
export const chunked = false;

let post: Post | null = null;
/** The post-paint part: beacons, widgets, delayed triggers, click and submit goals, navigation. */
export const loadPost = (): Post | Promise<Post> => post || import('./post').then((m) => (post = m));

let tables: Tables | null = null;
/** The npm build's parts are the app's own chunks: no address of Tailor's (features.ts `HOLD_SCRIPT` is off). */
export const postURL = (): string | undefined => undefined;

/** The lookup tables (time zones, referrers), or null while they have not arrived. */
export const tablesNow = (): Tables | null => tables;
export const loadTables = (): Tables | Promise<Tables> =>
  tables || import('./signals/tables').then((m) => (tables = m));

let remote: Remote | null = null;
/** `fetchRemote` for `manifest.remote` sources (loaded only for them). */
export const loadRemote = (): Remote | Promise<Remote> =>
  remote || import('./signals/remote').then((m) => (remote = m));

let extras: Extras | null = null;
/** Categories, affinity, journey and scores (src/extras.ts), or null while they have not arrived. */
export const extrasNow = (): Extras | null => extras;
export const loadExtras = (): Extras | Promise<Extras> =>
  extras || import('./extras').then((m) => (extras = m));

/** The full validator, for a manifest `tailor build` did not publish (src/check.ts). */
export const loadCheck = (): Promise<Check> => import('./check');
