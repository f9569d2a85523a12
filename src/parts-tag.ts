/**
 * The script tags' parts (rollup.config.mjs swaps this file in for parts.ts): chunks loaded
 * from the tag's own address when first needed.
 */
import { holdFor, loadChunk } from './chunk';
import type { Check, Extras, Post, Remote, Tables } from './when';

export type { Check, Extras, Post, Remote, Tables } from './when';

export const chunked = true;

export const loadPost = (): Promise<Post> => loadChunk<Post>('post');
/** Holds the first paint until the post-paint chunk has run (src/chunk.ts), or 0. */
export const holdPost = (doc: Document): Element | 0 => holdFor(doc, 'post');

let tables: Tables | null = null;
export const tablesNow = (): Tables | null => tables;
export const loadTables = (): Promise<Tables> => loadChunk<Tables>('tables').then((t) => (tables = t));

export const loadRemote = (): Promise<Remote> => loadChunk<Remote>('remote');

let extras: Extras | null = null;
export const extrasNow = (): Extras | null => extras;
export const loadExtras = (): Promise<Extras> => loadChunk<Extras>('extras').then((m) => (extras = m));

export const loadCheck = (): Promise<Check> => loadChunk<Check>('check');
