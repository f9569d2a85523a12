// The report never stalls ingestion. A store large enough that its report takes a while, a real
// `tailor serve` on it, a report request under way, and beacons sent meanwhile: every beacon is
// answered 204 while the report is still being computed, and the report then comes back right.
// No timing thresholds: the order of the answers is the assertion.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFor } from '../../../src/server/collector';
import { openStore, type StoredEvent } from '../../../src/server/db';
import { budget } from '../../budget';
import { batchOf, exposure, killAll, raw, type Serve, startServe } from './serve-process';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-report-worker-'));
mkdirSync(path.join(dir, 'site'));
const dbFile = path.join(dir, 'events.db');
const SITE = 'big';
const EVENTS = 60_000;
let s: Serve;

/** Exposures over 10 experiences and conversions carrying assignments, like a busy site. */
function seed() {
  const store = openStore(dbFile);
  const T0 = 1_763_900_000_000;
  for (let start = 0; start < EVENTS; start += 10_000) {
    const events: StoredEvent[] = [];
    for (let n = start; n < start + 10_000; n++) {
      const visitor = `visitor-${n % 12_000}`;
      const base = {
        id: `seed-${String(n).padStart(16, '0')}`,
        ts: T0 + n,
        visitor,
        session: `${visitor}.1`,
        path: '/',
      };
      events.push(
        n % 4
          ? { ...base, type: 'exposure', experience: `exp-${n % 10}`, variant: n % 3 ? 'b' : 'control' }
          : {
              ...base,
              type: 'conversion',
              goal: n % 8 ? 'purchase' : 'signup',
              assignments: { 'exp-1': 'b', 'exp-3': 'control', 'exp-5': n % 3 ? 'b' : 'control' },
              segments: [],
            },
      );
    }
    store.insert(SITE, events, T0);
  }
  store.close();
}

beforeAll(async () => {
  seed();
  s = await startServe(['site', '--port', '0', '--db', dbFile], { cwd: dir });
}, budget(120_000));
afterAll(async () => {
  await s?.stop();
  killAll();
});

/** GET on its own connection; `sent` resolves once the request has left for the server. */
function get(url: string): { sent: Promise<void>; answer: Promise<{ status: number; body: string }> } {
  let onSent!: () => void;
  const sent = new Promise<void>((r) => (onSent = r));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path: url, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.on('finish', onSent);
    req.end();
  });
  return { sent, answer };
}

describe('reports off the event loop', { timeout: 120_000 }, () => {
  it('answers beacons while a report is computing, and the report is right', async () => {
    const report = get(`/api/report?site=${SITE}`);
    let reported = false;
    const done = report.answer.then((r) => {
      reported = true;
      return r;
    });
    await report.sent;
    // Beacons one after another until the report answers (capped): on a blocked event loop the
    // first of them would wait behind the whole report.
    const statuses: number[] = [];
    while (!reported && statuses.length < 5000) {
      const r = await raw(s.port, 'POST', '/collect', batchOf('beacons', [exposure(`b${statuses.length}`)]), {
        'content-type': 'text/plain',
      });
      if (!reported) statuses.push(r.status);
    }
    expect(statuses.length).toBeGreaterThanOrEqual(10);
    expect(statuses.filter((x) => x !== 204)).toEqual([]);

    const r = await done;
    expect(r.status).toBe(200);
    const got = JSON.parse(r.body);
    const store = openStore(dbFile, { readonly: true });
    try {
      expect(got).toEqual(await reportFor(store, SITE, null, got.generated));
    } finally {
      store.close();
    }
    expect(got.experiences).toHaveLength(10);
  });

  it('shares one computation between concurrent requests for a site', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => get(`/api/report?site=${SITE}`).answer),
    );
    const generated = answers.map((a) => JSON.parse(a.body).generated);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(generated).size).toBe(1);
  });
});
