/**
 * The ClickHouse event store (docs/deployment.md): `--store clickhouse://user:pass@host:8123/db`.
 * Many `tailor serve` processes write to one ClickHouse; any of them (or `tailor report`) reads
 * the same report.
 *
 * - One table, `tailor_events`, a `ReplacingMergeTree` ordered by `(site, id)`: a re-sent event
 *   (the SDK retries a batch it got no answer for, a second collector got the same beacon) is one
 *   row once parts merge. Until then the reads deduplicate: the report's exposure aggregates are
 *   indifferent to copies, conversions are grouped by id, `count` is `uniqExact(site, id)` and
 *   the export reads with `FINAL`.
 * - Times are epoch milliseconds in `UInt64` (whole ms): the ClickHouse Debian ships (18.16) has
 *   no `DateTime64`. Assignments are two parallel arrays (experience ids, variant ids).
 * - Group commit: concurrent `insert` calls are gathered into one INSERT; each caller's promise
 *   settles when the INSERT that carried its batch has been answered by the server, so a 204 of
 *   the collector means its events are in a written part. One INSERT at a time per process; what
 *   arrives meanwhile waits for the next one.
 * - Schema creation and migrations on open, idempotent (several collectors may start at once):
 *   `CREATE … IF NOT EXISTS`, and the applied version recorded in `tailor_schema`.
 * - The report's counts are computed by ClickHouse (GROUP BY, uniqExact, JOIN on per-visitor
 *   aggregates); only per-variant rows come back.
 *
 * SQL is plain enough for 18.16 (no CTEs, no query parameters, JOIN … USING) and valid on current
 * releases (every joined subquery has an alias, which they require): string values are inlined
 * as escaped literals, identifiers are checked against a strict pattern.
 *
 * @clickhouse/client is an optional dependency loaded when a ClickHouse store is opened, so a
 * SQLite user never loads it and the CLI bundle does not contain it.
 */
import { createRequire } from 'node:module';
import type { GroupCounts, ValueSums } from './stats';
import { type ExportedEvent, type SiteCounts, type Store, type StoredEvent, StoreError } from './store';

/** The subset of @clickhouse/client used here (tests also drive the store through another engine). */
export interface ResultSet {
  json<T>(): Promise<T>;
  stream(): AsyncIterable<{ json<T>(): T }[]>;
}
export interface Client {
  query(params: { query: string; format: 'JSONEachRow' }): Promise<ResultSet>;
  command(params: { query: string }): Promise<unknown>;
  insert(params: { table: string; values: unknown[]; format: 'JSONEachRow' }): Promise<unknown>;
  close(): Promise<void>;
}
export type CreateClient = (options: {
  url: string;
  username: string;
  password: string;
  request_timeout?: number;
  max_open_connections?: number;
  application?: string;
  log?: { level: number };
}) => Client;

let create: CreateClient | undefined;
function loadClient(): CreateClient {
  if (create) return create;
  try {
    create = (createRequire(import.meta.url)('@clickhouse/client') as { createClient: CreateClient })
      .createClient;
    return create;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new StoreError(
      `@clickhouse/client is not installed (${why}); run "npm install @clickhouse/client" to use a clickhouse:// store`,
    );
  }
}

/** Most rows in one INSERT; a larger backlog goes in several, one after the other. */
const MAX_ROWS = 100_000;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A string as a ClickHouse literal. */
export const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface ClickHouseTarget {
  /** http(s)://host:port, without credentials. */
  url: string;
  username: string;
  password: string;
  database: string;
  /** The URL with the password hidden, for messages. */
  shown: string;
}

/** Reads `clickhouse://user:pass@host:8123/db` (`clickhouses://` for TLS); throws StoreError naming what is wrong. */
export function parseClickHouseUrl(text: string): ClickHouseTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new StoreError(
      `--store ${JSON.stringify(text.replace(/:[^:@/]*@/, ':***@'))} is not a URL; expected clickhouse://user:pass@host:8123/db`,
    );
  }
  const tls = u.protocol === 'clickhouses:';
  if (!tls && u.protocol !== 'clickhouse:')
    throw new StoreError(
      `--store: unsupported scheme "${u.protocol}" (expected clickhouse: or clickhouses:)`,
    );
  const shown = `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}${u.password ? ':***' : ''}@` : ''}${u.host}${u.pathname}`;
  if (!u.hostname)
    throw new StoreError(`--store ${shown}: no host (expected clickhouse://user:pass@host:8123/db)`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'default';
  if (!IDENTIFIER.test(database))
    throw new StoreError(
      `--store ${shown}: database name ${JSON.stringify(database)} must be letters, digits and _ (not starting with a digit)`,
    );
  if (u.search || u.hash)
    throw new StoreError(`--store ${shown}: takes no ?query or #fragment (got "${u.search}${u.hash}")`);
  return {
    url: `${tls ? 'https' : 'http'}://${u.host.includes(':') || u.host.startsWith('[') ? u.host : `${u.host}:${tls ? 8443 : 8123}`}`,
    username: decodeURIComponent(u.username) || 'default',
    password: decodeURIComponent(u.password),
    database,
    shown,
  };
}

/**
 * Ordered schema migrations; migration i brings the recorded version from i to i + 1. Each must
 * be safe to run twice (two collectors starting together). Never edit one: append. `{db}` is the
 * database.
 */
export const CLICKHOUSE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {db}.tailor_events (
     site       String,
     id         String,
     type       String,
     ts         UInt64,
     visitor    String,
     session    String,
     path       String,
     experience String,
     variant    String,
     forced     UInt8,
     goal       String,
     value      Nullable(Float64),
     assign_x   Array(String),
     assign_v   Array(String),
     segments   Array(String),
     received   UInt64
   ) ENGINE = ReplacingMergeTree ORDER BY (site, id)`,
];

interface Row {
  site: string;
  id: string;
  type: string;
  ts: number | string;
  visitor: string;
  session: string;
  path: string;
  experience: string;
  variant: string;
  forced: number;
  goal: string;
  value: number | null;
  assign_x: string[];
  assign_v: string[];
  segments: string[];
  received: number | string;
}

/** Whole milliseconds that fit a UInt64 exactly as a JSON number. */
const millis = (t: number) => Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(t)));
/** Lone surrogates would make the INSERT fail; SQLite stores them as U+FFFD too. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const text = (s: string) => s.replace(LONE, '\uFFFD');

function toRow(site: string, e: StoredEvent, received: number): Row {
  const exposure = e.type === 'exposure';
  const assigned = exposure ? [] : Object.entries(e.assignments);
  return {
    site: text(site),
    id: e.id,
    type: e.type,
    ts: millis(e.ts),
    visitor: text(e.visitor),
    session: text(e.session),
    path: text(e.path),
    experience: exposure ? text(e.experience) : '',
    variant: exposure ? text(e.variant) : '',
    forced: exposure && e.forced ? 1 : 0,
    goal: exposure ? '' : text(e.goal),
    value: exposure ? null : (e.value ?? null),
    assign_x: assigned.map(([x]) => text(x)),
    assign_v: assigned.map(([, v]) => text(v)),
    segments: exposure ? [] : e.segments.map(text),
    received: millis(received),
  };
}

function fromRow(r: Row): ExportedEvent {
  const base = {
    site: r.site,
    received: Number(r.received),
    id: r.id,
    ts: Number(r.ts),
    visitor: r.visitor,
    session: r.session,
    path: r.path,
  };
  if (r.type === 'exposure')
    return {
      ...base,
      type: 'exposure',
      experience: r.experience,
      variant: r.variant,
      ...(r.forced ? { forced: true } : {}),
    };
  const assignments: Record<string, string> = {};
  r.assign_x.forEach((x, i) => {
    assignments[x] = r.assign_v[i] ?? '';
  });
  return {
    ...base,
    type: 'conversion',
    goal: r.goal,
    ...(r.value !== null ? { value: r.value } : {}),
    assignments,
    segments: r.segments,
  };
}

/** The first line of an error, with the network code when there is one. */
function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = (err?.message || String(e)).split('\n')[0]!.slice(0, 300);
  return err?.code && !message.includes(err.code) ? `${err.code} ${message}` : message;
}

/**
 * Connects to ClickHouse, creates the database and the schema when missing (unless
 * `mustExist`/`readonly`: then a missing table is an error) and returns the store.
 * Throws StoreError with a one-line message on any failure.
 */
export async function openClickHouse(
  url: string,
  options: { mustExist?: boolean; readonly?: boolean; createClient?: CreateClient } = {},
): Promise<Store> {
  const target = parseClickHouseUrl(url);
  const client = (options.createClient ?? loadClient())({
    url: target.url,
    username: target.username,
    password: target.password,
    // A report over tens of millions of events may take minutes on a small server.
    request_timeout: 600_000,
    max_open_connections: 16,
    application: 'tailor',
    // Failures reach the caller (a 503, a one-line CLI error); the client's own log stays off.
    log: { level: 127 },
  });
  const db = `\`${target.database}\``;
  try {
    await client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
  } catch (e) {
    await client.close().catch(() => {});
    throw new StoreError(`cannot reach ClickHouse at ${target.shown}: ${describe(e)}`);
  }
  try {
    if (options.mustExist || options.readonly) {
      const rows = await client
        .query({ query: `EXISTS TABLE ${db}.tailor_events`, format: 'JSONEachRow' })
        .then((r) => r.json<{ result: number | string }[]>());
      if (!Number(rows[0]?.result))
        throw new StoreError(
          `no events table in ClickHouse database ${target.database} at ${target.shown} (run "tailor serve --store …" to collect events first)`,
        );
    } else await migrate(client, db, target);
  } catch (e) {
    await client.close().catch(() => {});
    if (e instanceof StoreError) throw e;
    throw new StoreError(
      `cannot use ClickHouse database ${target.database} at ${target.shown}: ${describe(e)}`,
    );
  }
  return wrap(client, db);
}

async function migrate(client: Client, db: string, target: ClickHouseTarget): Promise<void> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.tailor_schema (version UInt32, applied UInt64) ENGINE = MergeTree ORDER BY version`,
  });
  const rows = await client
    .query({ query: `SELECT max(version) AS v FROM ${db}.tailor_schema`, format: 'JSONEachRow' })
    .then((r) => r.json<{ v: number | string }[]>());
  const version = Number(rows[0]?.v ?? 0);
  if (version > CLICKHOUSE_MIGRATIONS.length)
    throw new StoreError(
      `ClickHouse database ${target.database} has schema version ${version}, newer than this tailor understands (${CLICKHOUSE_MIGRATIONS.length}); upgrade tailorjs`,
    );
  for (let v = version; v < CLICKHOUSE_MIGRATIONS.length; v++) {
    await client.command({ query: CLICKHOUSE_MIGRATIONS[v]!.replaceAll('{db}', db) });
    await client.insert({
      table: `${db}.tailor_schema`,
      values: [{ version: v + 1, applied: Date.now() }],
      format: 'JSONEachRow',
    });
  }
}

const HOLDOUT_SQL = `('holdout', 'global-holdout')`;

function wrap(client: Client, db: string): Store {
  const table = `${db}.tailor_events`;
  const rowsOf = async <T>(query: string): Promise<T[]> =>
    (await client.query({ query, format: 'JSONEachRow' })).json<T[]>();

  /* Group commit ------------------------------------------------------------------------- */
  type Waiter = { rows: Row[]; resolve(): void; reject(e: Error): void };
  const queue: Waiter[] = [];
  let running: Promise<void> | null = null;
  let closed = false;
  const kick = () => {
    running ??= flush().finally(() => {
      running = null;
      if (queue.length) kick();
    });
  };

  const insertRows = (rows: Row[]) => client.insert({ table, values: rows, format: 'JSONEachRow' });

  // The reason goes to the operator's log, not to the sender (it may name hosts or internals);
  // the same reason is logged once, not once per beacon, while ClickHouse stays down.
  let lastLogged = '';
  const refused = (e: unknown) => {
    const why = describe(e);
    if (why !== lastLogged) console.error(`tailor: ClickHouse INSERT failed: ${why}`);
    lastLogged = why;
    return new StoreError('the ClickHouse insert failed; retry later');
  };

  async function flush() {
    while (queue.length) {
      const take: Waiter[] = [];
      let n = 0;
      while (queue.length && (n === 0 || n + queue[0]!.rows.length <= MAX_ROWS)) {
        const w = queue.shift()!;
        take.push(w);
        n += w.rows.length;
      }
      try {
        await insertRows(take.length === 1 ? take[0]!.rows : take.flatMap((w) => w.rows));
        lastLogged = '';
        for (const w of take) w.resolve();
      } catch (e) {
        if (take.length === 1) take[0]!.reject(refused(e));
        // One batch the server refuses must not fail the others it was grouped with: each
        // goes again on its own, and only the ones refused again fail.
        else for (const w of take) await insertRows(w.rows).then(w.resolve, (e2) => w.reject(refused(e2)));
      }
    }
  }

  /* Report SQL (all inside ClickHouse) ------------------------------------------------------ */
  // Duplicates (an id inserted more than once, before ReplacingMergeTree merges the copies) are
  // harmless to every exposure aggregate (distinct visitors, first time, set of variants seen),
  // so exposures are read as they are, without FINAL's single-stream merge. Conversions carry
  // values that are summed: they are deduplicated by id first (GROUP BY id).
  const exposures = (site: string, where = '1') =>
    `SELECT experience, variant, visitor, ts FROM ${table}
     WHERE site = ${quote(site)} AND type = 'exposure' AND forced = 0 AND ${where}`;
  const conversions = (site: string) =>
    `SELECT any(goal) AS goal, any(visitor) AS visitor, any(ts) AS ts, any(ifNull(value, 0)) AS val,
            any(assign_x) AS assign_x, any(assign_v) AS assign_v
     FROM ${table} WHERE site = ${quote(site)} AND type = 'conversion' GROUP BY id`;

  // Per (experience, variant, goal): visitors who converted at or after their first exposure to
  // the experience, with a conversion carrying that variant they were exposed to; the visitor's
  // value is the sum of those conversions' values (docs/report.md), summed and squared here.
  const convertedSql = (site: string) => `
    SELECT ax AS experience, av AS variant, goal, count() AS n, sum(v) AS sum, sum(v * v) AS sumSq FROM (
      SELECT ax, av, goal, visitor, sum(val) AS v FROM (
        SELECT ax, av, goal, visitor, ts, val FROM (${conversions(site)}) ARRAY JOIN assign_x AS ax, assign_v AS av
      ) AS c ALL INNER JOIN (
        SELECT experience AS ax, visitor, min(ts) AS fts, groupUniqArray(variant) AS seen
        FROM (${exposures(site)}) GROUP BY ax, visitor
      ) AS f USING (ax, visitor)
      WHERE ts >= fts AND has(seen, av)
      GROUP BY ax, av, goal, visitor
    ) GROUP BY experience, variant, goal ORDER BY experience, variant, goal`;

  // Program view: the global holdout against everyone exposed to a non-holdout variant (and
  // never to the global holdout), counted from each visitor's first such exposure.
  const holdoutFirst = (site: string) =>
    `SELECT visitor, min(ts) AS fts FROM (${exposures(site, `variant = 'global-holdout'`)}) GROUP BY visitor`;
  const personalizedFirst = (site: string) =>
    `SELECT visitor, min(ts) AS fts FROM (${exposures(site, `variant NOT IN ${HOLDOUT_SQL}`)})
     WHERE visitor NOT IN (SELECT visitor FROM (${exposures(site, `variant = 'global-holdout'`)})) GROUP BY visitor`;
  const group = async (first: string, site: string): Promise<GroupCounts> => {
    const [visitors, rows] = await Promise.all([
      rowsOf<{ n: string }>(`SELECT count() AS n FROM (${first})`),
      rowsOf<{ goal: string; n: string; sum: number; sumSq: number }>(`
        SELECT goal, count() AS n, sum(v) AS sum, sum(v * v) AS sumSq FROM (
          SELECT goal, visitor, sum(val) AS v FROM (
            SELECT goal, visitor, ts, val FROM (${conversions(site)})
          ) AS c ALL INNER JOIN (${first}) AS f USING (visitor)
          WHERE ts >= fts GROUP BY goal, visitor
        ) GROUP BY goal ORDER BY goal`),
    ]);
    const converted: Record<string, number> = {};
    const value: Record<string, ValueSums> = {};
    for (const r of rows) {
      converted[r.goal] = Number(r.n);
      value[r.goal] = { sum: r.sum, sumSq: r.sumSq };
    }
    return { visitors: Number(visitors[0]?.n ?? 0), converted, value };
  };

  async function counts(site: string): Promise<SiteCounts> {
    // Several queries, not one snapshot: with beacons arriving, later ones may see a few more
    // events than earlier ones (ClickHouse has no read transaction across queries).
    const [exposed, converted, goals, personalized, holdout] = await Promise.all([
      rowsOf<{ experience: string; variant: string; n: string }>(
        `SELECT experience, variant, uniqExact(visitor) AS n FROM (${exposures(site)})
         GROUP BY experience, variant ORDER BY experience, variant`,
      ),
      rowsOf<{ experience: string; variant: string; goal: string; n: string; sum: number; sumSq: number }>(
        convertedSql(site),
      ),
      rowsOf<{ goal: string }>(
        `SELECT DISTINCT goal FROM ${table} WHERE site = ${quote(site)} AND type = 'conversion' ORDER BY goal`,
      ),
      group(personalizedFirst(site), site),
      group(holdoutFirst(site), site),
    ]);
    const experiences: SiteCounts['experiences'] = new Map();
    for (const r of exposed) {
      const vs = experiences.get(r.experience) ?? new Map();
      experiences.set(r.experience, vs);
      vs.set(r.variant, { exposed: Number(r.n), converted: {}, value: {} });
    }
    for (const r of converted) {
      const vs = experiences.get(r.experience)?.get(r.variant);
      if (!vs) continue;
      vs.converted[r.goal] = Number(r.n);
      vs.value[r.goal] = { sum: r.sum, sumSq: r.sumSq };
    }
    return { experiences, goals: goals.map((r) => r.goal), personalized, holdout };
  }

  return {
    kind: 'clickhouse',
    insert(site, events, received) {
      if (closed) return Promise.reject(new StoreError('the store is closed'));
      if (!events.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows: events.map((e) => toRow(site, e, received)), resolve, reject });
        kick();
      });
    },
    sites: async () =>
      (await rowsOf<{ site: string }>(`SELECT DISTINCT site FROM ${table} ORDER BY site`)).map((r) => r.site),
    count: async () =>
      Number((await rowsOf<{ n: string }>(`SELECT uniqExact(site, id) AS n FROM ${table}`))[0]?.n ?? 0),
    counts,
    async *exportEvents(site) {
      // FINAL: one whole row per (site, id), however many times it was inserted.
      const result = await client.query({
        query: `SELECT * FROM ${table} FINAL ${site ? `WHERE site = ${quote(site)}` : ''} ORDER BY site, received, id`,
        format: 'JSONEachRow',
      });
      for await (const rows of result.stream()) for (const r of rows) yield fromRow(r.json<Row>());
    },
    async close() {
      closed = true;
      // Batches already queued are inserted and answered before the connection goes.
      while (running) await running;
      await client.close();
    },
  };
}
