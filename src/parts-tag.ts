/**
 * The script tags' parts (rollup.config.mjs swaps this file in for parts.ts): chunks loaded
 * from the tag's own address when first needed.
 */
import { loadChunk } from './chunk';
import type { Check, Extras, Post, Remote, Tables } from './when';

export type { Check, Extras, Post, Remote, Tables } from './when';

export const chunked = true;

export const loadPost = (): Promise<Post> => loadChunk<Post>('post');
export { postURL } from './chunk';

let tables: Tables | null = null;
export const tablesNow = (): Tables | null => tables;
export const loadTables = (): Promise<Tables> => loadChunk<Tables>('tables').then((t) => (tables = t));

export const loadRemote = (): Promise<Remote> => loadChunk<Remote>('remote');

let extras: Extras | null = null;
export const extrasNow = (): Extras | null => extras;
export const loadExtras = (): Promise<Extras> => loadChunk<Extras>('extras').then((m) => (extras = m));

export const loadCheck = (): Promise<Check> => loadChunk<Check>('check');
