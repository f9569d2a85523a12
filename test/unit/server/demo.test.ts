import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';

// `tailor serve --demo` (npm start): /api/weather and SPA deep links, only with the flag.

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-demo-'));
mkdirSync(path.join(dir, 'site/spa'), { recursive: true });
writeFileSync(path.join(dir, 'site/spa/index.html'), '<p>spa</p>');
writeFileSync(path.join(dir, 'site/index.html'), '<p>home</p>');
mkdirSync(path.join(dir, 'site/shop'), { recursive: true });
writeFileSync(path.join(dir, 'site/shop/index.html'), '<p>shop</p>');

async function withServe(flags: string[], check: (base: string) => Promise<void>): Promise<void> {
  let lines: string[] = [];
  const started = await new Promise<{ server: Server; done: Promise<number> }>((resolve) => {
    const done = main(['serve', 'site', '--port', '0', ...flags], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      cwd: dir,
      onServer: (server) => resolve({ server, done }),
    });
  });
  const address = started.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    expect(lines.join('\n')).toContain(base);
    await check(base);
  } finally {
    started.server.close();
    lines = [];
  }
  expect(await started.done).toBe(0);
}

describe('tailor serve --demo', () => {
  it('opens on the shop: / redirects to /shop/, keeping the query', async () => {
    await withServe(['--demo'], async (base) => {
      const res = await fetch(`${base}/?utm_medium=email`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/shop/?utm_medium=email');
      expect(await (await fetch(`${base}/`)).text()).toBe('<p>shop</p>');
      expect(await (await fetch(`${base}/index.html`)).text()).toBe('<p>home</p>');
    });
    await withServe([], async (base) => {
      expect(await (await fetch(`${base}/`)).text()).toBe('<p>home</p>');
    });
  });

  it('answers /api/weather with a fixed forecast and serves SPA deep links', async () => {
    await withServe(['--demo'], async (base) => {
      const res = await fetch(`${base}/api/weather?tz=Europe%2FMadrid`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ condition: 'rain', tempC: 12, demo: true });
      expect(await (await fetch(`${base}/api/weather?condition=sun&tempC=25`)).json()).toEqual({
        condition: 'sun',
        tempC: 25,
        demo: true,
      });
      expect(await (await fetch(`${base}/spa/shoes`)).text()).toBe('<p>spa</p>');
      expect(await (await fetch(`${base}/spa/deep/route`)).text()).toBe('<p>spa</p>');
      // Files, top-level paths and paths with an extension still 404.
      expect((await fetch(`${base}/spa/missing.js`)).status).toBe(404);
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
    });
  });

  it('has neither without the flag', async () => {
    await withServe([], async (base) => {
      expect((await fetch(`${base}/api/weather`)).status).toBe(404);
      expect((await fetch(`${base}/spa/shoes`)).status).toBe(404);
      expect(await (await fetch(`${base}/spa/`)).text()).toBe('<p>spa</p>');
    });
  });
});
