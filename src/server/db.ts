/**
 * The SQLite event store (docs/collector.md), the default implementation of the store interface
 * (src/server/store.ts; the other is ClickHouse): one SQLite file through better-sqlite3, WAL mode with
 * synchronous=NORMAL (a commit survives a crash of the process, which is what the collector's
 * 2xx promises), versioned migrations in `PRAGMA user_version`, event id as the primary key.
 *
 * better-sqlite3 is a native optional dependency loaded at run time, so the CLI bundle does not
 * contain it and a missing build is reported in one line.
 *
 * Nothing IP-derived is stored: the columns are exactly the event fields of docs/events.md, the batch's site
 * and the time the collector received the event.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GroupCounts, ValueSums } from './stats';
import { type ExportedEvent, type SiteCounts, type Store, type StoredEvent, StoreError } from './store';

export { type ExportedEvent, type SiteCounts, type Store, type StoredEvent, StoreError };

/** The subset of the better-sqlite3 API used here. */
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
  iterate(...params: unknown[]): IterableIterator<Record<string, unknown>>;
}
interface Sqlite {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, options?: { simple: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  close(): void;
}
type SqliteCtor = new (
  file: string,
  options?: { fileMustExist?: boolean; timeout?: number; readonly?: boolean },
) => Sqlite;

let ctor: SqliteCtor | undefined;
function loadSqlite(): SqliteCtor {
  if (ctor) return ctor;
  try {
    ctor = createRequire(import.meta.url)('better-sqlite3') as SqliteCtor;
    return ctor;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new StoreError(
      `better-sqlite3 is not installed or not built for this Node (${why}); run "npm install better-sqlite3"`,
    );
  }
}

/** Ordered schema migrations; migration i brings `user_version` from i to i + 1. Never edit one: append. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id         TEXT PRIMARY KEY,
     site       TEXT NOT NULL,
     type       TEXT NOT NULL CHECK (type IN ('exposure', 'conversion')),
     ts         REAL NOT NULL,
     visitor    TEXT NOT NULL,
     session    TEXT NOT NULL,
     path       TEXT NOT NULL,
     experience TEXT,
     variant    TEXT,
     forced     INTEGER NOT NULL DEFAULT 0,
     goal       TEXT,
     value      REAL,
     segments   TEXT,
     received   INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX events_exposures ON events (site, experience, visitor, variant, ts) WHERE type = 'exposure';
   CREATE INDEX events_conversions ON events (site, visitor, goal, ts) WHERE type = 'conversion';
   CREATE TABLE assignments (
     event      TEXT NOT NULL REFERENCES events (id),
     experience TEXT NOT NULL,
     variant    TEXT NOT NULL,
     PRIMARY KEY (event, experience)
   ) WITHOUT ROWID;`,
];

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = (err.message || String(e)).split('\n')[0]!;
  return err.code && !/^SQLITE_/.test(err.code) && !message.startsWith(err.code)
    ? `${err.code} ${message}`
    : message;
}

/**
 * Opens (creating it and its folder unless `mustExist`) and migrates the store at `file`.
 * `readonly`: a second connection to a store another one has opened and migrated (the report
 * worker's); it changes nothing, not even the journal mode.
 * Throws StoreError with a one-line message on any failure.
 */
export function openStore(file: string, options: { mustExist?: boolean; readonly?: boolean } = {}): Store {
  const Database = loadSqlite();
  let db: Sqlite;
  if (options.readonly) {
    try {
      db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
    } catch (e) {
      throw new StoreError(`cannot open database ${file}: ${describe(e)}`);
    }
    return wrap(db);
  }
  try {
    if (!options.mustExist) mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { fileMustExist: !!options.mustExist, timeout: 5000 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (options.mustExist && (code === 'SQLITE_CANTOPEN' || /does not exist/.test((e as Error).message)))
      throw new StoreError(`no database at ${file} (run "tailor serve" to collect events first)`);
    throw new StoreError(`cannot open database ${file}: ${describe(e)}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot use database ${file}: ${describe(e)}`);
  }
  return wrap(db);
}

function migrate(db: Sqlite, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length)
    throw new StoreError(
      `database ${file} has schema version ${version}, newer than this tailor understands (${MIGRATIONS.length}); upgrade tailorjs`,
    );
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

const HOLDOUT_SQL = `('holdout', 'global-holdout')`;

function wrap(db: Sqlite): Store {
  const insertEvent = db.prepare(
    `INSERT OR IGNORE INTO events (id, site, type, ts, visitor, session, path, experience, variant, forced, goal, value, segments, received)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAssignment = db.prepare(
    'INSERT OR IGNORE INTO assignments (event, experience, variant) VALUES (?, ?, ?)',
  );
  const insertBatch = db.transaction((site: string, events: StoredEvent[], received: number) => {
    let added = 0;
    for (const e of events) {
      const exposure = e.type === 'exposure';
      const r = insertEvent.run(
        e.id,
        site,
        e.type,
        e.ts,
        e.visitor,
        e.session,
        e.path,
        exposure ? e.experience : null,
        exposure ? e.variant : null,
        exposure && e.forced ? 1 : 0,
        exposure ? null : e.goal,
        exposure ? null : (e.value ?? null),
        exposure ? null : JSON.stringify(e.segments),
        received,
      );
      if (!r.changes) continue; // a duplicate id: the first copy stays
      added++;
      if (!exposure) for (const [x, v] of Object.entries(e.assignments)) insertAssignment.run(e.id, x, v);
    }
    return added;
  });

  // Forced (QA) exposures are not randomized: they are left out of every count.
  const exposed = db.prepare(
    `SELECT experience, variant, COUNT(DISTINCT visitor) AS n FROM events
     WHERE site = @site AND type = 'exposure' AND forced = 0 GROUP BY experience, variant`,
  );
  // A visitor converts for (experience, variant, goal) when a conversion for the goal carries that
  // assignment, the visitor was exposed to that variant, and the conversion is at or after the
  // visitor's first exposure to the experience (docs/report.md). The visitor's value for the goal is the
  // sum of the values of those same conversions (TOTAL: 0 when none carries one); the per-visitor
  // values are summed and squared here, so no event leaves SQLite.
  const converted = db.prepare(
    `WITH first AS (
       SELECT experience, visitor, MIN(ts) AS ts FROM events
       WHERE site = @site AND type = 'exposure' AND forced = 0 GROUP BY experience, visitor
     ), seen AS (
       SELECT DISTINCT experience, variant, visitor FROM events
       WHERE site = @site AND type = 'exposure' AND forced = 0
     ), per AS (
       SELECT a.experience, a.variant, c.goal, c.visitor, TOTAL(c.value) AS v
       FROM events c
       JOIN assignments a ON a.event = c.id
       JOIN first f ON f.experience = a.experience AND f.visitor = c.visitor
       JOIN seen s ON s.experience = a.experience AND s.variant = a.variant AND s.visitor = c.visitor
       WHERE c.site = @site AND c.type = 'conversion' AND c.ts >= f.ts
       GROUP BY a.experience, a.variant, c.goal, c.visitor
     )
     SELECT experience, variant, goal, COUNT(*) AS n, TOTAL(v) AS sum, TOTAL(v * v) AS sumSq
     FROM per GROUP BY experience, variant, goal`,
  );
  // Program view: the global holdout against everyone exposed to a non-holdout variant (and never
  // to the global holdout); a conversion counts at or after the visitor's first such exposure.
  const groupFirst = (where: string) =>
    `SELECT visitor, MIN(ts) AS ts FROM events
     WHERE site = @site AND type = 'exposure' AND forced = 0 AND ${where} GROUP BY visitor`;
  const inHoldout = groupFirst(`variant = 'global-holdout'`);
  const personalizedFirst = `SELECT p.visitor, p.ts FROM (${groupFirst(`variant NOT IN ${HOLDOUT_SQL}`)}) p
     WHERE p.visitor NOT IN (SELECT visitor FROM (${inHoldout}))`;
  const groupStatements = (first: string) => ({
    visitors: db.prepare(`SELECT COUNT(*) AS n FROM (${first})`),
    converted: db.prepare(
      `SELECT goal, COUNT(*) AS n, TOTAL(v) AS sum, TOTAL(v * v) AS sumSq FROM (
         SELECT c.goal, c.visitor, TOTAL(c.value) AS v FROM (${first}) f
         JOIN events c ON c.site = @site AND c.type = 'conversion' AND c.visitor = f.visitor AND c.ts >= f.ts
         GROUP BY c.goal, c.visitor
       ) GROUP BY goal`,
    ),
  });
  const program = { personalized: groupStatements(personalizedFirst), holdout: groupStatements(inHoldout) };
  const goals = db.prepare(
    `SELECT DISTINCT goal FROM events WHERE site = @site AND type = 'conversion' ORDER BY goal`,
  );
  const sites = db.prepare('SELECT DISTINCT site FROM events ORDER BY site');
  const count = db.prepare('SELECT COUNT(*) AS n FROM events');

  const group = (s: ReturnType<typeof groupStatements>, site: string): GroupCounts => {
    const converted: Record<string, number> = {};
    const value: Record<string, ValueSums> = {};
    for (const r of s.converted.all({ site })) {
      converted[r.goal as string] = r.n as number;
      value[r.goal as string] = { sum: r.sum as number, sumSq: r.sumSq as number };
    }
    return { visitors: (s.visitors.get({ site })?.n as number) ?? 0, converted, value };
  };

  // Assignments as a JSON object (sorted by experience: the primary key's order).
  const exported = (where: string) =>
    db.prepare(
      `SELECT e.*, (SELECT json_group_object(a.experience, a.variant) FROM assignments a WHERE a.event = e.id) AS assigned
       FROM events e ${where} ORDER BY e.site, e.received, e.id`,
    );
  const exportAll = exported('');
  const exportSite = exported('WHERE e.site = ?');

  // better-sqlite3 is synchronous: each method runs to completion in the call and hands back a
  // settled promise, so the SQLite path behaves exactly as before the interface became async.
  const settled = <T>(f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(e);
    }
  };

  return {
    kind: 'sqlite',
    insert: (site, events, received) => settled(() => void insertBatch(site, events, received)),
    sites: () => settled(() => sites.all().map((r) => r.site as string)),
    count: () => settled(() => count.get()!.n as number),
    async *exportEvents(site) {
      for (const r of site ? exportSite.iterate(site) : exportAll.iterate()) yield exportedRow(r);
    },
    counts: (site) => settled(() => countsOf(site)),
    close: () => settled(() => db.close()),
  };

  function countsOf(site: string): SiteCounts {
    // One read transaction, so the numbers agree with each other while beacons keep arriving.
    return db.transaction(() => {
      const experiences: SiteCounts['experiences'] = new Map();
      const variantOf = (x: string, v: string) => {
        const vs = experiences.get(x) ?? new Map();
        experiences.set(x, vs);
        const c = vs.get(v) ?? { exposed: 0, converted: {}, value: {} };
        vs.set(v, c);
        return c;
      };
      for (const r of exposed.all({ site }))
        variantOf(r.experience as string, r.variant as string).exposed = r.n as number;
      for (const r of converted.all({ site })) {
        const vs = experiences.get(r.experience as string)?.get(r.variant as string);
        if (!vs) continue;
        vs.converted[r.goal as string] = r.n as number;
        vs.value[r.goal as string] = { sum: r.sum as number, sumSq: r.sumSq as number };
      }
      return {
        experiences,
        goals: goals.all({ site }).map((r) => r.goal as string),
        personalized: group(program.personalized, site),
        holdout: group(program.holdout, site),
      };
    })();
  }
}

/** A row of the events table as a line of `tailor export`. */
function exportedRow(r: Record<string, unknown>): ExportedEvent {
  const base = {
    site: r.site as string,
    received: r.received as number,
    id: r.id as string,
    ts: r.ts as number,
    visitor: r.visitor as string,
    session: r.session as string,
    path: r.path as string,
  };
  if (r.type === 'exposure')
    return {
      ...base,
      type: 'exposure',
      experience: r.experience as string,
      variant: r.variant as string,
      ...(r.forced ? { forced: true } : {}),
    };
  return {
    ...base,
    type: 'conversion',
    goal: r.goal as string,
    ...(r.value !== null && r.value !== undefined ? { value: r.value as number } : {}),
    assignments: JSON.parse((r.assigned as string | null) || '{}'),
    segments: JSON.parse((r.segments as string | null) || '[]'),
  };
}
