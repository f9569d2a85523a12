// Durability: every event the collector answered 2xx for survives a kill -9 of the process.
// Runs the built dist/cli.js (npm test builds before the unit tests) as a child process, sends
// batches from several concurrent clients, SIGKILLs it mid-run, restarts it on the same database
// and checks every acknowledged event id is stored.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { budget } from '../../budget';

const Database = createRequire(import.meta.url)('better-sqlite3');
const cli = path.resolve(__dirname, '../../../dist/cli.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-crash-'));
mkdirSync(path.join(dir, 'site'));
const dbFile = path.join(dir, 'events.db');
const children: ChildProcess[] = [];

/** Starts `node dist/cli.js serve` on a free port; resolves with the child and its port. */
function start(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', 'site', '--port', '0', '--db', dbFile], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => reject(new Error(`tailor serve exited with ${code}: ${err.trim()}`)));
  });
}

let seq = 0;
function makeBatch(): { ids: string[]; body: string } {
  const events = Array.from({ length: 20 }, () => {
    const id = `crash-${String(++seq).padStart(12, '0')}`;
    return {
      id,
      type: 'exposure',
      ts: Date.now(),
      visitor: `v${seq % 997}`,
      session: 's',
      path: '/',
      experience: 'hero',
      variant: seq % 2 ? 'b' : 'control',
    };
  });
  return {
    ids: events.map((e) => e.id),
    body: JSON.stringify({ v: 1, site: 'crash', sent: Date.now(), events }),
  };
}

function send(port: number, agent: Agent, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/collect',
        method: 'POST',
        agent,
        headers: { 'content-type': 'text/plain' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0)); // the kill: no answer, so not acknowledged
    req.end(body);
  });
}

afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('collector crash safety', () => {
  it(
    'keeps every acknowledged event after kill -9 and restarts on the same database',
    async () => {
      expect(existsSync(cli), 'dist/cli.js is missing: run "npm run build" first').toBe(true);
      const { child, port } = await start();
      const acked: string[] = [];
      let stop = false;
      let failed = 0;
      const client = async () => {
        const agent = new Agent({ keepAlive: true });
        while (!stop) {
          const { ids, body } = makeBatch();
          const status = await send(port, agent, body);
          if (status >= 200 && status < 300) acked.push(...ids);
          else failed++;
        }
        agent.destroy();
      };
      const clients = Array.from({ length: 8 }, client);
      // Kill mid-stream, once a good number of batches are acknowledged.
      await new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (acked.length >= 20 * 300) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(clients);
      expect(child.signalCode).toBe('SIGKILL');

      // Restart on the same file: recovery from the WAL, and it keeps accepting events.
      const again = await start();
      const { ids, body } = makeBatch();
      expect(await send(again.port, new Agent(), body)).toBe(204);
      const db = new Database(dbFile, { readonly: true });
      const has = db.prepare('SELECT 1 FROM events WHERE id = ?');
      const missing = [...acked, ...ids].filter((id) => !has.get(id));
      const total = db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
      db.close();
      again.child.kill('SIGTERM');
      const figures = `${acked.length} events acknowledged before kill -9, ${failed} batch(es) cut off, ${total} rows after restart`;
      expect(missing, figures).toEqual([]);
      expect(total).toBeGreaterThanOrEqual(acked.length + ids.length);
    },
    budget(30_000),
  );
});
