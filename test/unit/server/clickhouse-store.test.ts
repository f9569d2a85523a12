// The ClickHouse store against a real clickhouse-server (started here on a free loopback port)
// and real HTTP to `tailor serve` (src/server/cli.ts run in this process):
// - one simulated event stream (visitors assigned by the real decision code, conversions with
//   values, forced QA exposures, conversions before the exposure; batches re-sent, events
//   repeated across batches, batches out of order) sent to a SQLite collector and to a
//   ClickHouse collector gives the same /api/report JSON;
// - `tailor export` of one store and `tailor import` into the other gives the same report;
// - concurrent beacons are grouped into few INSERTs (group commit), duplicates are counted once;
// - hostile bodies get their 4xx and never stop the collector or poison a shared INSERT;
// - schema creation is idempotent and a newer schema is refused.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';
import { openClickHouse } from '../../../src/server/clickhouse';
import { openStoreSpec } from '../../../src/server/open-store';
import { budget } from '../../budget';
import { type ClickHouse, hasClickHouse, startClickHouse } from './clickhouse-server';
import { batchOf, raw, serveInProcess } from './serve-process';
import { batches, type Event, MANIFEST, SITE, simulate, T0 } from './simulated-stream';

/** Sends every body to `port`, `concurrency` at a time; resolves with the statuses. */
async function sendAll(port: number, bodies: string[], concurrency = 8): Promise<number[]> {
  const statuses: number[] = new Array(bodies.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const i = next++;
        statuses[i] = (
          await raw(port, 'POST', '/collect', bodies[i], { 'content-type': 'application/json' })
        ).status;
      }
    }),
  );
  return statuses;
}

const withoutTime = (body: string) => {
  const r = JSON.parse(body);
  delete r.generated;
  return r;
};

/** Runs the CLI in this process; resolves with its exit code and output. */
async function cli(argv: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd });
  return { code, out, err };
}

/* ------------------------------------------------------------------------------------------ */

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-ch-'));
mkdirSync(path.join(dir, 'site'));
writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(MANIFEST));

// No ClickHouse binary on this machine (`.ci/run` installs Debian's clickhouse-server, so CI
// runs these): every test here needs a real server, and none is faked.
describe.skipIf(!hasClickHouse)('ClickHouse store', { timeout: budget(120_000) }, () => {
  let ch: ClickHouse;
  beforeAll(async () => {
    ch = await startClickHouse(budget(60_000));
  }, budget(90_000));
  afterAll(async () => {
    await ch?.stop();
  });

  it('gives the same /api/report as SQLite for the same stream (retries, repeats, any order)', async () => {
    const bodies = batches(simulate());
    const sqlite = await serveInProcess(
      ['site', '--db', path.join(dir, 'same.db'), '--manifest', 'manifest.json'],
      dir,
    );
    const click = await serveInProcess(
      ['site', '--store', ch.url('same'), '--manifest', 'manifest.json'],
      dir,
    );
    try {
      // Copies stay unmerged, so the report's own deduplication is what is compared.
      await ch.query('SYSTEM STOP MERGES same.tailor_events');
      const [a, b] = await Promise.all([sendAll(sqlite.port, bodies), sendAll(click.port, bodies)]);
      const rows = Number((await ch.query('SELECT count() FROM same.tailor_events')).trim());
      const ids = Number((await ch.query('SELECT uniqExact(id) FROM same.tailor_events')).trim());
      expect(rows).toBeGreaterThan(ids);
      expect(new Set(a)).toEqual(new Set([204]));
      expect(new Set(b)).toEqual(new Set([204]));
      // A second site, whose name needs quoting in SQL.
      const odd = `o'brien\\shop`;
      const oddBody = JSON.stringify({ ...JSON.parse(bodies[0]!), site: odd });
      // Not in the manifest's allowlist: 403 from both, nothing stored.
      expect((await raw(sqlite.port, 'POST', '/collect', oddBody)).status).toBe(403);
      expect((await raw(click.port, 'POST', '/collect', oddBody)).status).toBe(403);

      const left = await raw(sqlite.port, 'GET', `/api/report?site=${SITE}`);
      const right = await raw(click.port, 'GET', `/api/report?site=${SITE}`);
      expect(left.status).toBe(200);
      expect(right.status).toBe(200);
      const report = withoutTime(left.body);
      expect(withoutTime(right.body)).toEqual(report);
      expect(right.body.replace(/"generated":\d+/, '')).toBe(left.body.replace(/"generated":\d+/, ''));
      // The stream exercises what the comparison is about.
      expect(report.experiences.map((e: { id: string }) => e.id)).toEqual(['hero', 'checkout']);
      const hero = report.experiences[0];
      expect(hero.variants.map((v: { id: string }) => v.id)).toEqual([
        'control',
        'b',
        'holdout',
        'global-holdout',
      ]);
      expect(hero.variants[1].goals.purchase.converted).toBeGreaterThan(20);
      expect(report.program.holdout.visitors).toBeGreaterThan(50);
      // No site asked, one stored: the same choice.
      expect(withoutTime((await raw(click.port, 'GET', '/api/report')).body)).toEqual(report);
      // The HTML page renders from the ClickHouse store too.
      expect((await raw(click.port, 'GET', `/report?site=${SITE}`)).body).toContain('checkout');
    } finally {
      sqlite.server.close();
      click.server.close();
      expect(await sqlite.done).toBe(0);
      expect(await click.done).toBe(0);
    }
    // `tailor report` reads either store the same way.
    const fromSqlite = await cli(['report', '--json', '--db', 'same.db', '--manifest', 'manifest.json'], dir);
    const fromClick = await cli(
      ['report', '--json', '--store', ch.url('same'), '--manifest', 'manifest.json'],
      dir,
    );
    expect(fromClick.code).toBe(0);
    expect(withoutTime(fromClick.out.join('\n'))).toEqual(withoutTime(fromSqlite.out.join('\n')));
    // Each distinct event stored once.
    const distinct = new Set(bodies.flatMap((b) => JSON.parse(b).events.map((e: Event) => e.id))).size;
    expect(Number((await ch.query('SELECT count() FROM same.tailor_events FINAL')).trim())).toBe(distinct);
  });

  it('moves a site between stores with tailor export and tailor import', async () => {
    // SQLite → NDJSON → a fresh ClickHouse database, and back into a fresh SQLite file.
    const exported = await cli(['export', '--db', 'same.db', '-o', 'out/sqlite.ndjson'], dir);
    expect(exported.code).toBe(0);
    const lines = readFileSync(path.join(dir, 'out/sqlite.ndjson'), 'utf8').trim().split('\n');
    expect(exported.err.join('\n')).toContain(`${lines.length} events written`);
    const into = await cli(['import', 'out/sqlite.ndjson', '--store', ch.url('moved')], dir);
    expect(into.err.join('\n')).toContain(`${lines.length} events from out/sqlite.ndjson stored`);
    expect(into.code).toBe(0);
    // Importing again changes nothing (ids are kept once).
    expect((await cli(['import', 'out/sqlite.ndjson', '--store', ch.url('moved')], dir)).code).toBe(0);

    const back = await cli(['export', '--store', ch.url('moved'), '-o', 'out/click.ndjson'], dir);
    expect(back.code).toBe(0);
    // Same events, same site, same time received, in the same order (site, received, id).
    expect(readFileSync(path.join(dir, 'out/click.ndjson'), 'utf8').trim().split('\n')).toEqual(lines);
    expect((await cli(['import', 'out/click.ndjson', '--db', 'back.db'], dir)).code).toBe(0);

    const report = async (store: string[]) =>
      withoutTime(
        (await cli(['report', '--json', ...store, '--manifest', 'manifest.json'], dir)).out.join('\n'),
      );
    const original = await report(['--db', 'same.db']);
    expect(await report(['--store', ch.url('moved')])).toEqual(original);
    expect(await report(['--db', 'back.db'])).toEqual(original);

    // A bad line is named with its number; what came before it is stored.
    writeFileSync(
      path.join(dir, 'bad.ndjson'),
      `${lines[0]}\n{"site":"shop","received":1,"type":"exposure"}\n`,
    );
    const bad = await cli(['import', 'bad.ndjson', '--store', ch.url('bad')], dir);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/bad\.ndjson:2: id must be/);
  });

  it('groups concurrent beacons into few INSERTs and stores each event id once', async () => {
    const click = await serveInProcess(['site', '--store', ch.url('group')], dir);
    try {
      const inserts = async () =>
        Number((await ch.query(`SELECT value FROM system.events WHERE event = 'InsertQuery'`)).trim() || 0);
      const before = await inserts();
      const events = Array.from({ length: 400 }, (_, i) => ({
        id: `grp-${String(i).padStart(16, '0')}`,
        type: 'exposure',
        ts: T0 + i,
        visitor: `g${i % 50}`,
        session: 's',
        path: '/',
        experience: 'hero',
        variant: i % 2 ? 'b' : 'control',
      }));
      // 400 beacons of one event each from 40 connections at once, each event sent twice.
      const bodies = [...events, ...events].map((e) => batchOf('group', [e]));
      const statuses = await sendAll(click.port, bodies, 40);
      expect(new Set(statuses)).toEqual(new Set([204]));
      const used = (await inserts()) - before;
      expect(used).toBeGreaterThan(0);
      expect(used).toBeLessThan(bodies.length);
      console.log(`group commit: ${bodies.length} beacons stored by ${used} INSERTs`);
      expect(Number((await ch.query('SELECT count() FROM group.tailor_events FINAL')).trim())).toBe(400);
      const r = JSON.parse((await raw(click.port, 'GET', '/api/report?site=group')).body);
      expect(r.experiences[0].variants.map((v: { exposed: number }) => v.exposed)).toEqual([25, 25]);
    } finally {
      click.server.close();
      await click.done;
    }
  });

  it('answers hostile bodies with a 4xx, keeps going, and one bad batch never fails the others', async () => {
    const click = await serveInProcess(['site', '--store', ch.url('hostile')], dir);
    try {
      const ok = (id: string, extra: Event = {}) => ({
        id,
        type: 'exposure',
        ts: T0,
        visitor: 'v',
        session: 's',
        path: '/',
        experience: 'hero',
        variant: 'b',
        ...extra,
      });
      const send = (body: string) =>
        raw(click.port, 'POST', '/collect', body, { 'content-type': 'application/json' });
      expect((await send('{"v":1,')).status).toBe(400);
      expect(
        (
          await send(
            '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
          )
        ).status,
      ).toBe(400);
      expect((await send('x'.repeat(70_000))).status).toBe(413);
      expect((await send(batchOf('hostile', [{ ...ok('h-0000000000000000'), ip: '1.2.3.4' }]))).status).toBe(
        400,
      );
      // Valid by the event format, awkward for a database: all stored, sent concurrently so they
      // share INSERTs with ordinary batches.
      const awkward = [
        ok('h-0000000000000001', { visitor: 'lone \ud800 surrogate' }),
        ok('h-0000000000000002', { ts: 1e300 }),
        ok('h-0000000000000003', { ts: 0.5 }),
        ok('h-0000000000000004', { variant: `q'uo"te\\back\nline\u0000nul` }),
        {
          id: 'h-0000000000000005',
          type: 'conversion',
          ts: T0 + 1,
          visitor: 'v',
          session: 's',
          path: '/',
          goal: "it's",
          value: 1.7976931348623157e308,
          assignments: { hero: 'b', "x'; DROP TABLE tailor_events; --": 'b' },
          segments: ['\ud83d\ude00', '\udc00'],
        },
      ];
      const statuses = await Promise.all([
        ...awkward.map((e) => send(batchOf('hostile', [e]))),
        ...Array.from({ length: 20 }, (_, i) =>
          send(batchOf('hostile', [ok(`h-1${String(i).padStart(15, '0')}`)])),
        ),
      ]);
      expect(statuses.map((s) => s.status)).toEqual(new Array(25).fill(204));
      expect(Number((await ch.query('SELECT count() FROM hostile.tailor_events FINAL')).trim())).toBe(25);
      const r = await raw(click.port, 'GET', '/api/report?site=hostile');
      expect(r.status).toBe(200);
      expect((await raw(click.port, 'GET', `/api/report?site=${encodeURIComponent("it's\\")}`)).status).toBe(
        200,
      );
    } finally {
      click.server.close();
      await click.done;
    }
  });

  it('creates the schema idempotently (collectors starting together) and refuses a newer one', async () => {
    const url = ch.url('schema');
    const stores = await Promise.all([1, 2, 3].map(() => openStoreSpec({ kind: 'clickhouse', url })));
    await Promise.all(stores.map((s) => s.close()));
    const again = await openClickHouse(url);
    expect(await again.count()).toBe(0);
    await again.close();
    expect(Number((await ch.query('SELECT max(version) FROM schema.tailor_schema')).trim())).toBe(1);
    await ch.query(`INSERT INTO schema.tailor_schema VALUES (99, 0)`);
    await expect(openClickHouse(url)).rejects.toThrow(
      /schema version 99, newer than this tailor understands/,
    );
    // The report does not create anything: an empty database is an error naming what to do.
    const missing = await cli(['report', '--store', ch.url('nothing_here')], dir);
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(
      /no events table in ClickHouse database nothing_here .*tailor serve --store/,
    );
  });
});

describe.skipIf(!hasClickHouse)('ClickHouse outage', { timeout: budget(120_000) }, () => {
  // Its own server: this test stops it.
  let ch: ClickHouse;
  beforeAll(async () => {
    ch = await startClickHouse(budget(60_000));
  }, budget(90_000));
  afterAll(async () => {
    await ch?.stop();
  });

  it('answers 503 while ClickHouse is down (the SDK retries), and 204 again once it is back', async () => {
    const click = await serveInProcess(['site', '--store', ch.url('outage')], dir);
    const logged: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => logged.push(a.join(' '));
    try {
      const batch = (i: number) =>
        batchOf('outage', [
          {
            id: `out-${String(i).padStart(16, '0')}`,
            type: 'exposure',
            ts: T0,
            visitor: `v${i}`,
            session: 's',
            path: '/',
            experience: 'hero',
            variant: 'b',
          },
        ]);
      expect((await raw(click.port, 'POST', '/collect', batch(1))).status).toBe(204);
      await ch.halt();
      const down = await Promise.all([2, 3, 4].map((i) => raw(click.port, 'POST', '/collect', batch(i))));
      expect(down.map((r) => r.status)).toEqual([503, 503, 503]);
      // The sender learns nothing about the store's address; the operator's log has the reason.
      expect(JSON.parse(down[0]!.body)).toEqual({
        error: 'storage failed: the ClickHouse insert failed; retry later',
      });
      expect(logged.join('\n')).toMatch(/ClickHouse INSERT failed: .*ECONNREFUSED/);
      await ch.resume();
      // The SDK's retries of the refused batches, and a new one.
      const back = await Promise.all([2, 3, 4, 5].map((i) => raw(click.port, 'POST', '/collect', batch(i))));
      expect(back.map((r) => r.status)).toEqual([204, 204, 204, 204]);
      const r = JSON.parse((await raw(click.port, 'GET', '/api/report?site=outage')).body);
      expect(r.experiences[0].variants.find((v: { id: string }) => v.id === 'b').exposed).toBe(5);
    } finally {
      console.error = error;
      click.server.close();
      await click.done;
    }
  });
});

describe('--store on the command line', () => {
  it('names what is wrong with a bad store URL', async () => {
    const cases: [string[], RegExp][] = [
      [['--store', 'postgres://x/db'], /unsupported store "postgres:\/\/"/],
      [
        ['--store', 'clickhouse://127.0.0.1:8123/bad-name'],
        /database name "bad-name" must be letters, digits and _/,
      ],
      [['--store', 'clickhouse://u:secret@127.0.0.1:8123/db?x=1'], /takes no \?query/],
      [['--store', 'clickhouse://'], /no host|not a URL/],
      [['--store', 'x.db', '--db', 'y.db'], /--db and --store both given/],
      [['--store', ''], /--store is empty/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['report', ...args], dir);
      expect(r.code, args.join(' ')).toBeGreaterThan(0);
      expect(r.err.join('\n'), args.join(' ')).toMatch(message);
      expect(r.err.join('\n')).not.toContain('secret');
    }
    // TAILOR_STORE stands for --store (a password stays out of the process list); --db wins.
    const env = { TAILOR_STORE: 'postgres://u:secret@x/db' };
    const fromEnv: string[] = [];
    expect(await main(['report'], { out() {}, err: (l) => fromEnv.push(l), cwd: dir, env })).toBe(2);
    expect(fromEnv).toEqual([expect.stringMatching(/unsupported store "postgres:\/\/"/)]);
    const withDb: string[] = [];
    expect(
      await main(['report', '--db', 'none.db'], { out() {}, err: (l) => withDb.push(l), cwd: dir, env }),
    ).toBe(1);
    expect(withDb).toEqual([expect.stringMatching(/no database at .*none\.db/)]);
    // Nothing listening: one line naming the server, the password hidden.
    const closed = await cli(
      ['serve', 'site', '--port', '0', '--store', 'clickhouse://u:secret@127.0.0.1:1/db'],
      dir,
    );
    expect(closed.code).toBe(1);
    expect(closed.err).toHaveLength(1);
    expect(closed.err[0]).toMatch(
      /^tailor serve: cannot reach ClickHouse at clickhouse:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: .*ECONNREFUSED/,
    );
  });
});
