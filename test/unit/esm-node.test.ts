import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const DIST = pathToFileURL(path.resolve(__dirname, '../../dist/index.js')).href;

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'location',
  'history',
];

describe('dist/index.js in plain Node (SSR)', () => {
  const restore: (() => void)[] = [];
  afterEach(() => {
    for (const r of restore.splice(0)) r();
  });

  it('imports without throwing and without touching a browser global', async () => {
    const touched: string[] = [];
    for (const name of BROWSER_GLOBALS) {
      const before = Object.getOwnPropertyDescriptor(globalThis, name);
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          // ua-parser-js's UMD wrapper feature-detects with `typeof window` (and gets
          // undefined): a detection, not a use. Anything else reading a browser global counts.
          const stack = new Error().stack || '';
          if (!(name === 'window' && stack.includes('/node_modules/ua-parser-js/'))) touched.push(name);
          return before?.get ? before.get.call(globalThis) : before?.value;
        },
      });
      restore.push(() =>
        before
          ? Object.defineProperty(globalThis, name, before)
          : delete (globalThis as Record<string, unknown>)[name],
      );
    }
    // A query string defeats the module cache, so this really evaluates the file now.
    const mod = await import(/* @vite-ignore */ `${DIST}?ssr=${Date.now()}`);
    expect(touched).toEqual([]);
    expect(Object.keys(mod).sort()).toEqual(['bucket', 'createTailor', 'matches', 'validateManifest']);
    for (const k of Object.keys(mod)) expect(typeof mod[k]).toBe('function');
  });

  it('decides a page view in Node without a DOM', async () => {
    const { createTailor } = (await import(/* @vite-ignore */ DIST)) as typeof import('../../src/index');
    const t = createTailor({
      manifest: { version: 1, site: 'ssr', experiences: [{ id: 'x', variants: [{ id: 'a' }, { id: 'b' }] }] },
      storage: 'memory',
    });
    await t.start();
    expect(['a', 'b']).toContain(t.variant('x'));
    expect(t.context().page.path).toBe('/');
  });
});
