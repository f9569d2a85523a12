import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

  /** Imports a dist file afresh, recording every browser global it reads. */
  async function importWatched(file: string): Promise<{ mod: Record<string, unknown>; touched: string[] }> {
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
    const url = pathToFileURL(path.resolve(__dirname, '../../dist', file)).href;
    const mod = await import(/* @vite-ignore */ `${url}?ssr=${Date.now()}`);
    return { mod, touched };
  }

  it('imports without throwing and without touching a browser global', async () => {
    const { mod, touched } = await importWatched('index.js');
    expect(touched).toEqual([]);
    expect(Object.keys(mod).sort()).toEqual(['bucket', 'createTailor', 'matches', 'validateManifest']);
    for (const k of Object.keys(mod)) expect(typeof mod[k]).toBe('function');
  });

  it('tailorjs/debug imports the same way and resolves through the exports map', async () => {
    const { mod, touched } = await importWatched('debug.js');
    expect(touched).toEqual([]);
    expect(Object.keys(mod)).toEqual(['showDebugView']);
    // The package name resolves through the exports map, as it does for a user's Node or bundler.
    const root = path.resolve(__dirname, '../..');
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('tailorjs/debug'); console.log(import.meta.resolve('tailorjs/debug'), Object.keys(m).join())",
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe(`${pathToFileURL(path.join(root, 'dist/debug.js')).href} showDebugView`);
    expect(existsSync(path.join(root, 'dist/debug.d.ts'))).toBe(true);
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
