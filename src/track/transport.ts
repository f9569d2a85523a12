/**
 * Beacon delivery (docs/events.md): batches events and sends them to the collector at least once.
 *
 * - flush at 20 queued events, 5 s after the first queued one, and when the page is hidden
 *   (`visibilitychange`; never `unload`, so the back/forward cache keeps working);
 * - visible: `fetch`, so the status is known; hiding: `sendBeacon`, else `fetch` with
 *   `keepalive`. Events stay in the queue until a 2xx is seen for them: events sent while
 *   hiding are confirmed by a later visible flush (5 s into a later page view that lives that
 *   long), and the collector's dedupe by id makes the re-send harmless. An event is beaconed
 *   once, so fast navigation does not send the whole queue again on every page;
 * - the queue is persisted under `tlr_queue` (at most 500 events, oldest dropped first and the
 *   count reported) and retried on later page views, with exponential backoff and jitter;
 *   4xx other than 408/429 are dropped; `Retry-After` is respected; offline, nothing is sent
 *   until the browser is back online;
 * - tabs of a site share `tlr_queue`: a page never writes its own copy over it but applies each
 *   change to what is stored (read-modify-write): it adds the events it pushes and removes only
 *   the ids it saw accepted with a 2xx or dropped (refused, too big, over the cap), so what other
 *   tabs queued survives. Each tab sends what is stored; an event two tabs send is deduped by the
 *   collector;
 * - a stored deadline is kept with its length and never lies further than that from now: a
 *   clock that was ahead when it was set, then corrected, does not hold the queue longer;
 * - only a collector's `Retry-After` holds the beacon of a hiding page: a plain backoff does
 *   not, as the page may never come back;
 * - no body is larger than 60 KiB: bigger batches are split, and an event too big to fit in a
 *   body alone is dropped and reported (the collector would answer 413 to it forever).
 * While consent is not granted, nothing is sent and the queue lives in memory only (the
 * store's consent gate); `_drop()` forgets it.
 */
import type { ConversionEvent, ExposureEvent } from '../manifest/types';

type TailorEvent = ExposureEvent | ConversionEvent;

import type { Store } from '../storage/store';

export const QUEUE_KEY = 'tlr_queue';
export const MAX_QUEUE = 500;
export const MAX_BATCH = 20;
export const MAX_BODY = 60 * 1024;
export const FLUSH_MS = 5000;
/** Largest body a visible flush sends with `keepalive` (see the note in `flush`). */
const KEEPALIVE_BODY = 16 * 1024;
const MAX_BACKOFF = 300_000;
/** The longest `Retry-After` honoured. */
const DAY = 86_400_000;

export interface TransportOptions {
  _endpoint: string;
  _site: string;
  _store: Store;
  /** Whether sending is allowed now (consent granted, not a crawler). */
  _allowed(): boolean;
  _report(message: string): void;
  _now(): number;
  /**
   * Custom transport (tests, native bridges): true when the collector accepted the body. Used
   * even without an endpoint (it then receives `''`).
   */
  _send?: (body: string, endpoint: string) => Promise<boolean> | boolean;
}

export interface Transport {
  _push(event: TailorEvent): void;
  /** Sends what is queued now (`hiding`: the page is going away). */
  _flush(hiding?: boolean): void;
  /** Drops every queued event (consent denied, `forget()`). */
  _drop(): void;
  _stop(): void;
}

interface Saved {
  /** Events, oldest first. */
  e: TailorEvent[];
  /** Failed attempts in a row (for the backoff). */
  n: number;
  /** Epoch ms before which nothing is sent (backoff, `Retry-After`). */
  at: number;
  /** How long that hold was when set (ms): `at` is never further than this from now. */
  w?: number;
  /** Set when `at` comes from the collector's `Retry-After` (coming back online does not lift it). */
  h?: 1;
  /** Ids already sent by a beacon, awaiting confirmation by a visible flush. */
  b: string[];
}

/** UTF-8 byte length of `s` (what the body weighs on the wire). */
const bytes = (s: string) => new Blob([s]).size;

/** What a send attempt yields: a custom transport's answer is mapped to 204 (accepted) or 503. */
type Outcome = Pick<Response, 'status'> & { headers?: Headers };

/**
 * Splits events into request bodies of at most MAX_BODY bytes. An event that alone makes a
 * body over MAX_BODY is left out and handed to `tooBig`: it can never be delivered.
 */
export function batches(
  site: string,
  sent: number,
  events: readonly TailorEvent[],
  tooBig: (event: TailorEvent) => void,
): [string, TailorEvent[]][] {
  const out: [string, TailorEvent[]][] = [];
  const head = `{"v":1,"site":${JSON.stringify(site)},"sent":${sent},"events":[`;
  // `]}` plus the first event's comma that is never written: `size` is the exact body length.
  const empty = bytes(head) + 1;
  let part: TailorEvent[] = [];
  let json: string[] = [];
  let size = empty;
  const close = () => {
    if (part.length) out.push([`${head}${json.join(',')}]}`, part]);
    part = [];
    json = [];
    size = empty;
  };
  for (const e of events) {
    const text = JSON.stringify(e);
    const n = bytes(text) + 1;
    if (empty + n > MAX_BODY) tooBig(e);
    else {
      if (size + n > MAX_BODY) close();
      part.push(e);
      json.push(text);
      size += n;
    }
  }
  close();
  return out;
}

const emptyQueue = (): Saved => ({ e: [], n: 0, at: 0, b: [] });

export function createTransport(o: TransportOptions): Transport {
  const win = typeof window === 'object' ? window : null;
  /** Cleared once storage refused a write (full): this page then keeps to its own copy. */
  let shared = true;
  /** The stored queue as any tab last wrote it (the store's memory copy misses other tabs). */
  const read = () => {
    try {
      if (shared && o._store._persisting) return localStorage.getItem(QUEUE_KEY);
    } catch {}
    return o._store.get(QUEUE_KEY);
  };
  const load = (): Saved => {
    try {
      const s = JSON.parse(read() || 'null') as Saved;
      if (s && Array.isArray(s.e)) {
        const e = s.e.filter((x) => x && typeof x.id === 'string');
        const ids = new Set(e.map((x) => x.id));
        // A hold ends at most its length from now: a clock that was ahead when it was set, then
        // corrected, cannot stretch it (nor a stored year: no hold is longer than a day).
        const w = Math.min(+s.w! || 0, DAY);
        return {
          e,
          n: +s.n || 0,
          at: Math.min(+s.at || 0, o._now() + w),
          w,
          h: s.h ? 1 : undefined, // undefined is left out of the saved JSON
          b: Array.isArray(s.b) ? s.b.filter((x) => ids.has(x)) : [],
        };
      }
    } catch {}
    return emptyQueue();
  };
  /** Ids this page saw delivered or dropped: only those leave the stored queue. */
  const gone = new Set<string>();
  let q = emptyQueue();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armed = false;
  let dropped = 0;
  let tooBig = 0;
  let busy = false;
  /** Makes `q` the stored queue (other tabs' changes, backoff included) less what this page saw go. */
  const sync = () => {
    q = load();
    q.e = q.e.filter((x) => !gone.has(x.id));
  };
  /**
   * Read-modify-write, never a copy written over the stored queue: `change` (a push, a backoff)
   * applies to what is stored now; the oldest events go over the cap.
   */
  const save = (change?: false | (() => unknown)) => {
    sync();
    if (change) change();
    const over = q.e.length - MAX_QUEUE;
    if (over > 0) {
      q.e.splice(0, over);
      dropped += over;
      o._report(`the event queue is full (${MAX_QUEUE}): ${dropped} oldest event(s) dropped on this page`);
    }
    const json = JSON.stringify(q);
    o._store.set(QUEUE_KEY, json);
    if (read() !== json) shared = false;
  };
  sync();

  let stopped = false;
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (stopped) return;
    armed = true;
    // Browsers fire a delay over 2^31-1 ms at once: a long hold is re-checked daily instead.
    timer = setTimeout(() => flush(), Math.min(Math.max(0, ms), DAY));
  };

  /** Removes delivered (or refused) events from the queue, in every tab's copy at the next save. */
  const done = (events: TailorEvent[]) => {
    for (const e of events) gone.add(e.id);
    q.e = q.e.filter((e) => !gone.has(e.id));
  };

  /** Drops an event too big for any body (docs/events.md: no body over 60 KiB); it is never sent. */
  const drop = (e: TailorEvent) => {
    done([e]);
    o._report(`an event is over the 60 KiB limit: ${++tooBig} event(s) dropped on this page`);
  };

  /** Clears the backoff, and the `Retry-After` hold with it. */
  const resetBackoff = () => {
    q.n = q.at = 0;
    delete q.h;
  };

  const fail = (retryAfterMs?: number) => {
    save(() => {
      q.n++;
      const backoff = Math.min(MAX_BACKOFF, 1000 * 2 ** q.n) * (0.5 + Math.random() / 2);
      // A `Retry-After` over a day is read as a day.
      q.w = Math.max(backoff, Math.min(retryAfterMs || 0, DAY));
      q.at = o._now() + q.w;
      if (retryAfterMs) q.h = 1;
      else delete q.h;
    });
    schedule(q.w!);
  };

  async function post(body: string, keepalive: boolean): Promise<Outcome> {
    if (o._send) return { status: (await o._send(body, o._endpoint)) ? 204 : 503 };
    return fetch(o._endpoint, {
      method: 'POST',
      body,
      keepalive,
      credentials: 'omit',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
  }

  async function flush(hiding?: boolean): Promise<void> {
    clearTimeout(timer);
    armed = false;
    if (stopped) return;
    sync();
    // Offline: the `online` listener flushes later. A custom transport needs no endpoint.
    if (!q.e.length || !(o._endpoint || o._send) || !o._allowed() || win?.navigator.onLine === false) return;
    // The collector's `Retry-After` holds the hiding flush too (the events stay persisted and a
    // later page view sends them when it ends); a plain backoff does not: the visitor may never
    // come back, and a beacon is one request.
    if (o._now() < q.at && (q.h || !hiding)) {
      // Stores the deadline as bounded on read, so that the bound does not move with the clock.
      save();
      return schedule(q.at - o._now());
    }
    if (hiding) {
      // The page may be gone before a promise settles: send and keep the events queued until
      // a later flush sees a 2xx for them (at-least-once; the collector dedupes by id). Only
      // events the browser took as a beacon count as beaconed: a beacon refused for being over
      // the keepalive quota (64 KiB in flight) is tried again at the next hide.
      const beaconed = new Set(q.b);
      for (const [body, events] of batches(
        o._site,
        o._now(),
        q.e.filter((e) => !beaconed.has(e.id)),
        drop,
      )) {
        let queued: boolean | undefined;
        try {
          queued =
            !o._send &&
            win?.navigator.sendBeacon?.(o._endpoint, new Blob([body], { type: 'text/plain;charset=UTF-8' }));
        } catch {}
        if (queued) for (const e of events) beaconed.add(e.id);
        else
          post(body, true).then(
            (r) => {
              if (r.status >= 200 && r.status < 300) {
                done(events);
                save();
              }
            },
            () => {},
          );
      }
      save(() => (q.b = [...beaconed]));
      // If the page lives on (a tab switch, bfcache), a normal flush confirms delivery later.
      schedule(FLUSH_MS);
      return;
    }
    if (busy) return;
    busy = true;
    try {
      for (const [body, events] of batches(o._site, o._now(), q.e, drop)) {
        let res: Outcome;
        try {
          // Chromium shares one 64 KiB budget among in-flight keepalive requests and beacons and
          // frees it late: back-to-back large keepalive bodies fail ("Failed to fetch"). Only small
          // bodies use keepalive here; the rest stay queued until a 2xx anyway.
          res = await post(body, bytes(body) <= KEEPALIVE_BODY);
        } catch {
          return fail();
        }
        const status = res.status;
        const ok = status >= 200 && status < 300;
        if (ok || (status >= 400 && status < 500 && status !== 408 && status !== 429)) {
          if (!ok)
            o._report(
              `the collector refused ${events.length} event(s) with HTTP ${status}; they are dropped`,
            );
          done(events);
          // Stored at once: another tab or the next page view need not send them again.
          save(ok && resetBackoff);
        } else {
          // `Retry-After` in seconds or as an HTTP date. Absent or unparsable it yields 0 or NaN,
          // which `fail` treats as no `Retry-After`: only the backoff applies.
          const retryAfter = res.headers?.get('retry-after');
          const secs = Number(retryAfter);
          return fail(Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter!) - Date.now());
        }
      }
      if (q.e.length) schedule(0);
    } finally {
      busy = false;
    }
  }

  // A page going away: the runtime hears `visibilitychange` to hidden, and calls
  // `_flush(true)` (through the beacons of the core, beacons.ts) once it has queued what it held.
  // Back online: network failures while offline do not hold the queue back; Retry-After does.
  const onOnline = () => {
    save(() => q.h || resetBackoff());
    flush();
  };
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    win?.[method]('online', onOnline);
  };
  listen('addEventListener');
  // Events left by earlier page views: never-sent ones are retried now (or when their backoff
  // ends); ones a beacon already carried are probably delivered and are confirmed 5 s later.
  const beaconed = new Set(q.b);
  if (q.e.length) {
    save(); // the deadline as bounded on read
    schedule(Math.max(q.at - o._now(), q.e.every((e) => beaconed.has(e.id)) ? FLUSH_MS : 0));
  }

  return {
    _push(event) {
      save(() => q.e.push(event));
      if (q.e.length >= MAX_BATCH) flush();
      else if (!armed) schedule(Math.max(FLUSH_MS, q.at - o._now()));
    },
    _flush(hiding) {
      flush(hiding);
    },
    _drop() {
      q = emptyQueue();
      o._store._remove(QUEUE_KEY);
    },
    _stop() {
      stopped = true;
      clearTimeout(timer);
      listen('removeEventListener');
    },
  };
}
