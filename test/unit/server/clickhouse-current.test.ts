// The ClickHouse store against a current ClickHouse engine (26.x), where Debian's
// clickhouse-server (18.16, what clickhouse-store.test.ts starts) is the only server package this
// machine can install. chdb runs the real ClickHouse engine inside this process; the store is
// driven through its client seam (`openClickHouse(url, { createClient })`) by a small adapter,
// so the schema, its migrations, the group-committed INSERTs and every report query run as
// written, on the current engine. Only the HTTP client (@clickhouse/client) is not exercised
// here; it is by the 18.16 tests.
//
// chdb is about 560 MB, so it is not a dependency: `.ci/run` installs it into a folder outside
// the repository and points TAILOR_CHDB at it. Without it the file is skipped, saying so.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type CreateClient, openClickHouse } from '../../../src/server/clickhouse';
import { reportFor, validateBatch } from '../../../src/server/collector';
import { openStoreSpec } from '../../../src/server/open-store';
import type { ExportedEvent, Store } from '../../../src/server/store';
import { budget } from '../../budget';
import { batches, MANIFEST, SITE, simulate } from './simulated-stream';

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup?(): void;
}
type Chdb = { Session: new (dir: string) => ChdbSession };

/** chdb from TAILOR_CHDB (its package folder, or a folder whose node_modules holds it), else none. */
const chdb: Chdb | null = (() => {
  const where = process.env.TAILOR_CHDB;
  if (!where) return null;
  try {
    return createRequire(path.join(path.resolve(where), 'x.js'))('chdb') as Chdb;
  } catch {
    try {
      return createRequire(import.meta.url)(path.resolve(where)) as Chdb;
    } catch {
      return null;
    }
  }
})();
if (!chdb)
  console.warn(
    'clickhouse-current.test.ts skipped: set TAILOR_CHDB to a folder with chdb installed (`npm install --prefix <dir> chdb`)',
  );

/** What the store needs of @clickhouse/client, answered by a chdb session (one engine, in process). */
function chdbClient(session: ChdbSession, calls: string[]): CreateClient {
  const rows = (sql: string) =>
    session
      .query(sql, 'JSONEachRow')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
  // Each call answers in a later task, as over HTTP, so concurrent callers really overlap.
  const later = <T>(fn: () => T) => new Promise<void>((resolve) => setImmediate(resolve)).then(fn);
  return () =>
    ({
      query: ({ query }) =>
        later(() => {
          calls.push('query');
          const all = rows(query);
          return {
            json: async <T>() => all as T,
            async *stream() {
              yield all.map((r) => ({ json: <T>() => r as T }));
            },
          };
        }),
      command: ({ query }) => later(() => (calls.push('command'), session.query(query, 'CSV'))),
      insert: ({ table, values }) =>
        later(() => {
          calls.push(`insert ${values.length}`);
          session.query(
            `INSERT INTO ${table} FORMAT JSONEachRow\n${values.map((v) => JSON.stringify(v)).join('\n')}`,
            'CSV',
          );
        }),
      close: async () => {},
    }) satisfies Client;
}

const collect = async (store: Store) => {
  const out: ExportedEvent[] = [];
  for await (const e of store.exportEvents(SITE)) out.push(e);
  return out;
};

describe.skipIf(!chdb)(
  'ClickHouse store on a current ClickHouse (chdb)',
  { timeout: budget(120_000) },
  () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-chdb-'));
    let session: ChdbSession;
    const calls: string[] = [];
    let click: Store;
    let sqlite: Store;
    const URL = 'clickhouse://default@127.0.0.1:8123/current';

    beforeAll(async () => {
      session = new chdb!.Session(path.join(dir, 'chdb'));
      click = await openClickHouse(URL, { createClient: chdbClient(session, calls) });
      sqlite = await openStoreSpec({ kind: 'sqlite', file: path.join(dir, 'events.db') });
    });
    afterAll(async () => {
      await click?.close();
      await sqlite?.close();
      session?.cleanup?.();
    });

    it('runs a current engine', () => {
      const version = session.query('SELECT version()', 'CSV').trim().replace(/"/g, '');
      expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(24);
    });

    it('stores the simulated stream once per id and reports exactly as SQLite does', async () => {
      const bodies = batches(simulate());
      // Copies stay unmerged, so the report's own deduplication is what is compared.
      session.query('SYSTEM STOP MERGES current.tailor_events', 'CSV');
      const received = 1_763_900_000_000;
      const accepted = await Promise.all(
        bodies.map(async (body) => {
          const batch = validateBatch(JSON.parse(body));
          if (!batch.ok) throw new Error(batch.error);
          expect(batch.problems).toEqual([]);
          await Promise.all([
            click.insert(batch.site, batch.events, received),
            sqlite.insert(batch.site, batch.events, received),
          ]);
          return batch.events.length;
        }),
      );
      // Group commit: the batches, all in flight together, went in as far fewer INSERTs.
      const inserts = calls.filter((c) => c.startsWith('insert')).length;
      expect(inserts).toBeLessThan(bodies.length / 4);
      const distinct = new Set(bodies.flatMap((b) => JSON.parse(b).events.map((e: { id: string }) => e.id)))
        .size;
      const rows = Number(session.query('SELECT count() FROM current.tailor_events', 'CSV'));
      // Copies of ids are in storage (re-sent batches, repeated events): the report and the
      // export must deduplicate them themselves.
      expect(accepted.reduce((a, b) => a + b, 0)).toBeGreaterThan(distinct);
      expect(rows).toBeGreaterThan(distinct);
      expect(await click.count()).toBe(distinct);
      expect(await sqlite.count()).toBe(distinct);

      const now = 1_764_000_000_000;
      const fromSqlite = await reportFor(sqlite, SITE, MANIFEST, now);
      const fromClick = await reportFor(click, SITE, MANIFEST, now);
      expect(JSON.stringify(fromClick)).toBe(JSON.stringify(fromSqlite));
      // The stream exercises what the comparison is about.
      expect(fromSqlite.experiences.map((e) => e.id)).toEqual(['hero', 'checkout']);
      expect(fromSqlite.program.holdout.visitors).toBeGreaterThan(50);
      // FINAL on the current engine: one whole row per id, the same rows in the same order.
      expect(await collect(click)).toEqual(await collect(sqlite));
      expect(await click.sites()).toEqual([SITE]);
    });

    it('migrates idempotently and refuses a schema newer than it knows', async () => {
      const again = await openClickHouse(URL, { createClient: chdbClient(session, []) });
      await again.close();
      expect(session.query('SELECT max(version) FROM current.tailor_schema', 'CSV').trim()).toBe('1');
      session.query(
        'INSERT INTO current.tailor_schema FORMAT JSONEachRow {"version": 99, "applied": 0}',
        'CSV',
      );
      await expect(openClickHouse(URL, { createClient: chdbClient(session, []) })).rejects.toThrow(
        /schema version 99, newer than this tailor understands/,
      );
    });
  },
);
