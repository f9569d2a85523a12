/**
 * Where the runtime gets the parts a first paint does not need. The npm build `import()`s them
 * when first needed, so an app's bundler splits them into chunks of the app; the script tags
 * swap this file for parts-tag.ts, which loads them as chunks from the tag's own address
 * (rollup.config.mjs). Either way the runtime is the same core.
 */
import type { Extras, Post, Remote, Tables } from './when';

export type { Extras, Post, Remote, Tables } from './when';

/** Parts load when first needed (npm: `import()`; the tags: chunks). */
export const chunked = true;

/** The post-paint part: beacons, widgets, delayed triggers, click and submit goals, navigation. */
export const loadPost = (): Promise<Post> => import('./post');

let tables: Tables | null = null;
/** The lookup tables (time zones, referrers), or null while they have not arrived. */
export const tablesNow = (): Tables | null => tables;
export const loadTables = (): Promise<Tables> => import('./signals/tables').then((t) => (tables = t));

/** `fetchRemote` for `manifest.remote` sources (loaded only for them). */
export const loadRemote = (): Promise<Remote> => import('./signals/remote');

let extras: Extras | null = null;
/** Categories, affinity, journey and scores (src/extras.ts), or null while they have not arrived. */
export const extrasNow = (): Extras | null => extras;
export const loadExtras = (): Promise<Extras> => import('./extras').then((m) => (extras = m));
