// `tailor serve` run in a project folder does not hand out the project's secrets: no dotfile, no
// dot-directory, however the path is spelled, and never the store's own files, wherever --db
// puts them. A real `tailor serve` process on loopback, a real SQLite file, raw HTTP paths.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchOf, exposure, killAll, raw, startServe } from './serve-process';

afterAll(killAll);

// Each test starts real server processes: the timeouts bound a machine with busy cores, they are
// not performance figures.

/** A project folder: a site, secrets beside it, and the default store under .tailor/. */
function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-files-'));
  for (const d of ['.git', '.tailor', 'sub/.hidden', 'data', 'public'])
    mkdirSync(path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<h1>shop</h1>');
  writeFileSync(path.join(dir, 'public', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, '.env'), 'SECRET=1');
  writeFileSync(path.join(dir, '.git', 'config'), '[core]');
  writeFileSync(path.join(dir, 'sub', '.hidden', 'key.txt'), 'key');
  writeFileSync(path.join(dir, 'sub', '.npmrc'), 'token');
  return dir;
}

const HIDDEN = [
  '/.env',
  '/.git/config',
  '/.tailor/events.db',
  '/.tailor/events.db-wal',
  '/.tailor/events.db-shm',
  '/sub/.npmrc',
  '/sub/.hidden/key.txt',
  // other spellings of the same paths
  '/%2eenv',
  '/%2Eenv',
  '/%2egit/config',
  '/.git%2fconfig',
  '/%2e%67it/config',
  '//.env',
  '/sub//.npmrc',
  '/./.env',
  '/sub/../.env',
  '/sub/%2e%2e/.env',
  '/%5c.env',
  '/sub%5c.npmrc',
  '/sub/%5c.hidden%5ckey.txt',
  '/.tailor%2fevents.db',
  '/%2etailor/events.db-wal',
  '/sub/.hidden/',
  '/.git/',
  '/.env%00.html',
];

describe('tailor serve: files it never serves', { timeout: 60_000 }, () => {
  it('refuses dotfiles, dot-directories and the default store, in every spelling', async () => {
    const dir = project();
    const s = await startServe(['--port', '0'], { cwd: dir });
    try {
      // The store exists and has a WAL: an event was written through the collector.
      expect((await raw(s.port, 'POST', '/collect', batchOf('shop', [exposure('v1')]))).status).toBe(204);
      expect((await raw(s.port, 'GET', '/')).body).toBe('<h1>shop</h1>');
      expect((await raw(s.port, 'GET', '/public/app.js')).status).toBe(200);
      for (const p of HIDDEN) {
        for (const method of ['GET', 'HEAD']) {
          const r = await raw(s.port, method, p);
          expect({ path: p, method, status: r.status }).toEqual({ path: p, method, status: 404 });
          expect(r.body).not.toMatch(/SECRET|core|SQLite|token|key$/);
        }
      }
    } finally {
      await s.stop();
    }
  });

  it('refuses the store files where --db puts them inside the served folder', async () => {
    const dir = project();
    const s = await startServe(['--port', '0', '--db', 'data/events.db'], { cwd: dir });
    try {
      expect((await raw(s.port, 'POST', '/collect', batchOf('shop', [exposure('v2')]))).status).toBe(204);
      for (const p of [
        '/data/events.db',
        '/data/events.db-wal',
        '/data/events.db-shm',
        '/data/events.db-journal',
        '/data//events.db',
        '/data/%65vents.db',
      ]) {
        const r = await raw(s.port, 'GET', p);
        expect({ path: p, status: r.status }).toEqual({ path: p, status: 404 });
      }
      // Other files of that folder are still served.
      writeFileSync(path.join(dir, 'data', 'prices.json'), '{}');
      expect((await raw(s.port, 'GET', '/data/prices.json')).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});
