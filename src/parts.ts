/**
 * Where the runtime gets the parts a first paint does not need. The npm build has them in the
 * module graph, ready at once; the script tags swap this file for parts-tag.ts, which loads
 * them as chunks from the tag's own address (rollup.config.mjs).
 */
import * as extras from './extras';
import * as post from './post';
import * as remote from './signals/remote';
import * as tables from './signals/tables';

export type { Extras, Post, Remote, Tables } from './when';

/** Whether parts load as chunks (the tags) or are here at once (npm). */
export const chunked = false;

/** The post-paint part: the module itself here; a promise of it in the tags. */
export const loadPost = (): typeof post | Promise<typeof post> => post;

/** The lookup tables (time zones, referrers), or null while their chunk has not arrived. */
export const tablesNow = (): typeof tables | null => tables;
export const loadTables = (): typeof tables | Promise<typeof tables> => tables;

/** `fetchRemote` for `manifest.remote` sources (a chunk in the tags, loaded only for them). */
export const loadRemote = (): typeof remote | Promise<typeof remote> => remote;

/** Categories, affinity, journey and scores (src/extras.ts), or null while their chunk has not arrived. */
export const extrasNow = (): typeof extras | null => extras;
export const loadExtras = (): typeof extras | Promise<typeof extras> => extras;
