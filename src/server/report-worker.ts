/**
 * Reports off the event loop. A report over a few hundred thousand events takes seconds of SQL;
 * on the main thread that time is taken from every beacon waiting behind it. So `tailor serve`
 * computes reports in a worker thread with its own read-only SQLite connection (WAL lets it read
 * while the main thread writes), and concurrent requests for the same site share one computation.
 *
 * The worker runs the CLI bundle itself (`workerEntry`, given by the process wiring); without one
 * (the CLI run in-process from source, as unit tests do) reports are computed inline.
 */
import { Worker } from 'node:worker_threads';
import type { Manifest } from '../manifest/types';
import { pickSite, reportFor } from './collector';
import { openStore } from './db';
import type { Report } from './stats';
import type { Store } from './store';

/** A report, or why there is none (no events, or several sites and none chosen). */
export type ReportAnswer = { report: Report } | { error: string; sites: string[] };

export interface ReportSource {
  get(site: string | null): Promise<ReportAnswer>;
  close(): void;
}

/** The manifest of `site` among those given, if any. */
export const manifestFor = (manifests: readonly Manifest[], site: string): Manifest | null =>
  manifests.find((m) => m.site === site) || null;

async function compute(
  store: Store,
  manifests: readonly Manifest[],
  site: string | null,
): Promise<ReportAnswer> {
  const pick = await pickSite(store, site);
  if ('error' in pick) return pick;
  return { report: await reportFor(store, pick.site, manifestFor(manifests, pick.site), Date.now()) };
}

/** What the worker is started with. */
export interface ReportWorkerData {
  role: 'tailor-report-worker';
  db: string;
  manifests: Manifest[];
}

export const isReportWorkerData = (data: unknown): data is ReportWorkerData =>
  typeof data === 'object' && data !== null && (data as ReportWorkerData).role === 'tailor-report-worker';

/** The worker's side: answers `{ id, site }` messages with `{ id, answer }` or `{ id, error }`. */
export function runReportWorker(
  data: ReportWorkerData,
  port: { on(e: 'message', f: (m: unknown) => void): void; postMessage(m: unknown): void },
): void {
  const store = openStore(data.db, { readonly: true });
  port.on('message', (m) => {
    const { id, site } = m as { id: number; site: string | null };
    compute(store, data.manifests, site).then(
      (answer) => port.postMessage({ id, answer }),
      (e) => port.postMessage({ id, error: (e as Error)?.message || String(e) }),
    );
  });
}

export function createReportSource(options: {
  store: Store;
  db: string;
  manifests: readonly Manifest[];
  workerEntry?: string;
}): ReportSource {
  const { store, manifests, workerEntry } = options;
  // Same site asked again while it is computing: the callers share the pending answer.
  const inFlight = new Map<string, Promise<ReportAnswer>>();
  let worker: Worker | null = null;
  let seq = 0;
  const pending = new Map<number, { resolve(a: ReportAnswer): void; reject(e: Error): void }>();

  function failAll(e: Error) {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker = null; // the next request starts a fresh one
  }

  function spawn(entry: string): Worker {
    const data: ReportWorkerData = {
      role: 'tailor-report-worker',
      db: options.db,
      manifests: [...manifests],
    };
    const w = new Worker(entry, { workerData: data });
    w.unref(); // never what keeps the process alive
    w.on('message', (m: { id: number; answer?: ReportAnswer; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.answer) p.resolve(m.answer);
      else p.reject(new Error(m.error || 'report failed'));
    });
    w.on('error', (e) => {
      if (worker === w) failAll(e instanceof Error ? e : new Error(String(e)));
    });
    w.on('exit', (code) => {
      if (worker === w) failAll(new Error(`report worker exited with code ${code}`));
    });
    return w;
  }

  function inWorker(entry: string, site: string | null): Promise<ReportAnswer> {
    worker ??= spawn(entry);
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ id, site });
    });
  }

  return {
    get(site) {
      const key = site ?? '';
      let p = inFlight.get(key);
      if (!p) {
        p = workerEntry ? inWorker(workerEntry, site) : compute(store, manifests, site);
        const settled = () => inFlight.delete(key);
        p.then(settled, settled);
        inFlight.set(key, p);
      }
      return p;
    },
    close() {
      const w = worker;
      worker = null;
      failAll(new Error('server closed'));
      void w?.terminate();
    },
  };
}
