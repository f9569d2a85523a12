/**
 * The event store interface (docs/collector.md, docs/deployment.md) and the choice of its
 * implementation. Two implement it:
 *
 * - SQLite (src/server/db.ts): one file, the embedded default of `tailor serve`;
 * - ClickHouse (src/server/clickhouse.ts): `--store clickhouse://user:pass@host:8123/db`, for
 *   many stateless collectors writing to one shared store.
 *
 * The report (src/server/collector.ts `reportFor`) reads `counts`, which each store computes
 * inside the database (SQL returning per-variant counts and sums): no store hands every event to
 * Node, so a report over millions of events needs memory for the counts only.
 */
import type { GroupCounts, ValueSums } from './stats';

/** A failure with a message fit for one line of CLI output. */
export class StoreError extends Error {}

/** One validated event (docs/events.md), as stored. */
export type StoredEvent =
  | {
      type: 'exposure';
      id: string;
      ts: number;
      visitor: string;
      session: string;
      path: string;
      experience: string;
      variant: string;
      forced?: boolean;
    }
  | {
      type: 'conversion';
      id: string;
      ts: number;
      visitor: string;
      session: string;
      path: string;
      goal: string;
      value?: number;
      assignments: Record<string, string>;
      segments: string[];
    };

/**
 * One line of `tailor export` (NDJSON): the event as the SDK sent it (docs/events.md), plus the
 * site of its batch and the time the collector received it (epoch ms).
 */
export type ExportedEvent = StoredEvent & { site: string; received: number };

export interface SiteCounts {
  /**
   * Experience → variant → exposed visitors, converting visitors per goal, and per goal the sum
   * and sum of squares of the converting visitors' values.
   */
  experiences: Map<
    string,
    Map<string, { exposed: number; converted: Record<string, number>; value: Record<string, ValueSums> }>
  >;
  /** Goals seen in conversions, sorted. */
  goals: string[];
  personalized: GroupCounts;
  holdout: GroupCounts;
}

export interface Store {
  /** Which implementation: the report worker thread is for SQLite only. */
  readonly kind: 'sqlite' | 'clickhouse';
  /**
   * Stores a batch; resolves once it is durable (committed). An id already stored is kept once:
   * storing the same event again changes nothing the report reads.
   */
  insert(site: string, events: StoredEvent[], received: number): Promise<void>;
  /** Sites with stored events, sorted. */
  sites(): Promise<string[]>;
  /** Distinct events stored (all sites). */
  count(): Promise<number>;
  /** The counts the report needs for one site, computed inside the store. */
  counts(site: string): Promise<SiteCounts>;
  /** Every stored event (of one site, or all), ordered by site, time received and id. */
  exportEvents(site?: string | null): AsyncIterable<ExportedEvent>;
  close(): Promise<void>;
}

/** Where the events are: a SQLite file, or a ClickHouse URL. */
export type StoreSpec = { kind: 'sqlite'; file: string } | { kind: 'clickhouse'; url: string };

/**
 * Reads `--store`: `clickhouse://…` or `clickhouses://…` (TLS) for ClickHouse, `sqlite:<file>` or
 * a plain path for SQLite. Any other `scheme://` is refused with a message naming it.
 */
export function parseStoreSpec(text: string): StoreSpec | { error: string } {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (!text) return { error: 'is empty; give clickhouse://user:pass@host:8123/db or a SQLite file path' };
  if (scheme === 'clickhouse' || scheme === 'clickhouses') return { kind: 'clickhouse', url: text };
  if (scheme === 'sqlite') {
    const file = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return file
      ? { kind: 'sqlite', file }
      : { error: 'sqlite: needs a file path (sqlite:.tailor/events.db)' };
  }
  // "C:\…" on Windows is a path, not a scheme.
  if (scheme && scheme.length > 1 && text.slice(scheme.length, scheme.length + 3) === '://')
    return {
      error: `unsupported store "${scheme}://" (use clickhouse://user:pass@host:8123/db, clickhouses:// for TLS, or a SQLite file path)`,
    };
  return { kind: 'sqlite', file: text };
}
