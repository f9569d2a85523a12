// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExposureEvent } from '../../../src/manifest/types';
import { createStore } from '../../../src/storage/store';
import { batches, createTransport, MAX_BODY, QUEUE_KEY } from '../../../src/track/transport';

let n = 0;
const event = (extra = ''): ExposureEvent => ({
  type: 'exposure',
  id: `evt-${String(++n).padStart(16, '0')}`,
  ts: 1,
  visitor: 'v',
  session: 's',
  path: `/p${extra}`,
  experience: 'e',
  variant: 'b',
});

interface Call {
  body: { v: number; site: string; events: ExposureEvent[] };
}

function setup(
  responses: (number | [number, Record<string, string>] | 'network')[] = [],
  allowed = () => true,
) {
  const calls: Call[] = [];
  let clock = 1_000_000;
  const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
    calls.push({ body: JSON.parse(init.body as string) });
    const r = responses.shift() ?? 204;
    if (r === 'network') throw new TypeError('Failed to fetch');
    const [status, headers] = Array.isArray(r) ? r : [r, {}];
    return new Response(status === 204 ? null : '', { status, headers });
  });
  vi.stubGlobal('fetch', fetchMock);
  const store = createStore({ persist: true });
  const errors: string[] = [];
  const t = createTransport({
    _endpoint: '/collect',
    _site: 'shop',
    _store: store,
    _allowed: allowed,
    _report: (m) => errors.push(m),
    _now: () => clock,
  });
  return {
    t,
    calls,
    errors,
    store,
    advance: async (ms: number) => {
      clock += ms;
      await vi.advanceTimersByTimeAsync(ms);
    },
    ids: () => calls.flatMap((c) => c.body.events.map((e) => e.id)),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('batches', () => {
  const noneTooBig = (e: unknown) => expect.fail(`an event was left out: ${JSON.stringify(e).slice(0, 80)}`);

  it('keeps every body at or under 60 KiB and every event exactly once, in order', () => {
    const events = Array.from({ length: 200 }, () => event('x'.repeat(900)));
    const parts = batches('shop', 1, events, noneTooBig);
    expect(parts.length).toBeGreaterThan(2);
    for (const [body] of parts) expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_BODY);
    expect(parts.flatMap(([body]) => JSON.parse(body).events.map((e: ExposureEvent) => e.id))).toEqual(
      events.map((e) => e.id),
    );
    expect(JSON.parse(parts[0]![0])).toMatchObject({ v: 1, site: 'shop', sent: 1 });
  });

  it('leaves out an event too big for a body on its own, keeping one that fits exactly', () => {
    const size = (body: string) => new TextEncoder().encode(body).length;
    const base = size(batches('shop', 1, [event()], noneTooBig)[0]![0]);
    const fits = event('x'.repeat(MAX_BODY - base));
    const over = event('x'.repeat(MAX_BODY - base + 1));
    const small = event();
    const tooBig: ExposureEvent[] = [];
    const parts = batches('shop', 1, [small, over, fits], (e) => tooBig.push(e as ExposureEvent));
    expect(tooBig).toEqual([over]);
    expect(parts.map(([, events]) => events)).toEqual([[small], [fits]]);
    expect(size(parts[1]![0])).toBe(MAX_BODY);
  });
});

describe('createTransport', () => {
  it('flushes at 20 events', async () => {
    const s = setup();
    for (let i = 0; i < 19; i++) s.t._push(event());
    await vi.advanceTimersByTimeAsync(0);
    expect(s.calls).toHaveLength(0);
    s.t._push(event());
    await vi.advanceTimersByTimeAsync(0);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]!.body.events).toHaveLength(20);
  });

  it('flushes 5 s after the first queued event, not 5 s after the last', async () => {
    const s = setup();
    s.t._push(event());
    await s.advance(3000);
    s.t._push(event());
    await s.advance(1999);
    expect(s.calls).toHaveLength(0);
    await s.advance(1);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]!.body.events).toHaveLength(2);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toEqual([]);
  });

  it('retries 503s with backoff, keeping the original ids, until a 2xx', async () => {
    const s = setup([503, 503, 503, 204]);
    const e = event();
    s.t._push(e);
    await s.advance(5000);
    for (let i = 0; i < 3; i++) await s.advance(20_000);
    expect(s.calls).toHaveLength(4);
    expect(new Set(s.ids())).toEqual(new Set([e.id]));
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toEqual([]);
  });

  it('drops events the collector refuses with 400, without retrying', async () => {
    const s = setup([400]);
    s.t._push(event());
    await s.advance(5000);
    await s.advance(60_000);
    expect(s.calls).toHaveLength(1);
    expect(s.errors[0]).toMatch(/HTTP 400/);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toEqual([]);
  });

  it('sends nothing before Retry-After expires after a 429', async () => {
    const s = setup([[429, { 'retry-after': '30' }], 204]);
    s.t._push(event());
    await s.advance(5000);
    s.t._push(event());
    s.t._flush();
    await s.advance(29_000);
    expect(s.calls).toHaveLength(1);
    await s.advance(20_000);
    expect(s.calls).toHaveLength(2);
    expect(s.calls[1]!.body.events).toHaveLength(2);
  });

  it('a Retry-After hold also holds the beacon of a hiding page', async () => {
    const s = setup([[503, { 'retry-after': '120' }]]);
    const beacon = vi.fn(() => true);
    Object.defineProperty(navigator, 'sendBeacon', { value: beacon, configurable: true });
    const e = event();
    s.t._push(e);
    await s.advance(5000);
    expect(s.calls).toHaveLength(1);
    await s.advance(300);
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beacon).not.toHaveBeenCalled();
    expect(s.calls).toHaveLength(1);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e.map((x: ExposureEvent) => x.id)).toEqual([e.id]);
    s.t._stop();
    // A later page view sends it when the hold ends. Its test clock starts again 5.3 s earlier,
    // as a clock set back would: the hold is then at most its 120 s from that page view's start.
    const next = setup();
    await next.advance(119_999);
    expect(next.calls).toHaveLength(0);
    await next.advance(1);
    expect(next.ids()).toEqual([e.id]);
    expect(beacon).not.toHaveBeenCalled();
  });

  it('retries network errors', async () => {
    const s = setup(['network', 204]);
    s.t._push(event());
    await s.advance(5000);
    await s.advance(10_000);
    expect(s.calls).toHaveLength(2);
  });

  it('drops an event too big for any body before sending and reports it', async () => {
    const s = setup();
    const a = event();
    const big = event('x'.repeat(MAX_BODY));
    const c = event();
    for (const e of [a, big, c]) s.t._push(e);
    await s.advance(5000);
    expect(s.ids()).toEqual([a.id, c.id]);
    expect(s.errors).toEqual(['an event is over the 60 KiB limit: 1 event(s) dropped on this page']);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toEqual([]);
  });

  it('never beacons an event too big for any body when the page is hidden', async () => {
    const s = setup();
    const beaconed: string[][] = [];
    const sizes: number[] = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      value: (_: string, b: Blob) => {
        sizes.push(b.size);
        b.text().then((t) => beaconed.push(JSON.parse(t).events.map((e: ExposureEvent) => e.id)));
        return true;
      },
      configurable: true,
    });
    const a = event();
    s.t._push(a);
    s.t._push(event('x'.repeat(MAX_BODY)));
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beaconed).toEqual([[a.id]]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_BODY);
    expect(s.calls).toHaveLength(0);
    expect(s.errors).toHaveLength(1);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e.map((e: ExposureEvent) => e.id)).toEqual([a.id]);
  });

  it('calls a custom transport even without an endpoint', async () => {
    const send = vi.fn(() => true);
    const store = createStore({ persist: true });
    const t = createTransport({
      _endpoint: '',
      _site: 'shop',
      _store: store,
      _allowed: () => true,
      _report: () => {},
      _now: () => 1,
      _send: send,
    });
    t._push(event());
    await vi.advanceTimersByTimeAsync(5000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]).toEqual([expect.stringContaining('"site":"shop"'), '']);
    expect(JSON.parse(store.get(QUEUE_KEY)!).e).toEqual([]);
    t._stop();
  });

  // Every push reads, merges and writes the stored queue: slow in happy-dom on a busy machine.
  it('caps the queue at 500, dropping the oldest and reporting the count', { timeout: 30_000 }, () => {
    const s = setup([], () => false);
    const all = Array.from({ length: 503 }, () => event());
    for (const e of all) s.t._push(e);
    const kept = JSON.parse(s.store.get(QUEUE_KEY)!).e.map((e: ExposureEvent) => e.id);
    expect(kept).toEqual(all.slice(3).map((e) => e.id));
    expect(s.errors.filter((m) => /full/.test(m))).toHaveLength(3);
  });

  it('sends nothing while not allowed (no consent, crawler), then everything once allowed', async () => {
    let ok = false;
    const s = setup([], () => ok);
    s.t._push(event());
    await s.advance(60_000);
    expect(s.calls).toHaveLength(0);
    ok = true;
    s.t._flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.calls).toHaveLength(1);
  });

  it('re-sends events persisted by an earlier page view, with the same ids', async () => {
    const first = setup([], () => false);
    const e = event();
    first.t._push(e);
    first.t._stop();
    const second = setup();
    await second.advance(0);
    expect(second.ids()).toEqual([e.id]);
  });

  it('uses sendBeacon when the page is hidden and keeps the events until a 2xx', async () => {
    const s = setup();
    const beacon = vi.fn(() => true);
    Object.defineProperty(navigator, 'sendBeacon', { value: beacon, configurable: true });
    s.t._push(event());
    s.t._flush(true);
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(s.calls).toHaveLength(0);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toHaveLength(1);
    await s.advance(5000);
    expect(s.calls).toHaveLength(1);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toHaveLength(0);
  });

  it('beacons each event once: a later hide sends only new events, a later page view confirms after 5 s', async () => {
    const s = setup();
    const bodies: string[] = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      value: (_: string, b: Blob) => {
        b.text().then((t) => bodies.push(t));
        return true;
      },
      configurable: true,
    });
    const a = event();
    const b = event();
    s.t._push(a);
    s.t._flush(true);
    s.t._push(b);
    s.t._flush(true);
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(bodies.map((t) => JSON.parse(t).events.map((e: ExposureEvent) => e.id))).toEqual([[a.id], [b.id]]);
    s.t._stop();
    // the next page view: both are still queued (no 2xx seen), confirmed by one fetch 5 s later
    const next = setup();
    await next.advance(4999);
    expect(next.calls).toHaveLength(0);
    await next.advance(1);
    expect(next.ids()).toEqual([a.id, b.id]);
    expect(JSON.parse(next.store.get(QUEUE_KEY)!).e).toEqual([]);
  });

  it('sends never-sent events from an earlier page view at once', async () => {
    const first = setup([], () => false);
    first.t._push(event());
    first.t._stop();
    const second = setup();
    await second.advance(0);
    expect(second.calls).toHaveLength(1);
  });

  it('falls back to fetch with keepalive when sendBeacon returns false', async () => {
    const s = setup();
    Object.defineProperty(navigator, 'sendBeacon', { value: () => false, configurable: true });
    s.t._push(event());
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.calls).toHaveLength(1);
    const init = (fetch as unknown as { mock: { calls: [string, RequestInit][] } }).mock.calls[0]![1];
    expect(init.keepalive).toBe(true);
    expect(init.headers).toEqual({ 'content-type': 'text/plain;charset=UTF-8' });
  });

  it('a beacon refused over the keepalive quota is tried again at the next hide; taken ones are not', async () => {
    // Two bodies: the browser takes the first beacon and refuses the second (64 KiB in flight),
    // and the keepalive fetch fallback fails the same way.
    const s = setup(['network']);
    const beaconed: string[][] = [];
    let room = 1;
    Object.defineProperty(navigator, 'sendBeacon', {
      value: (_: string, b: Blob) => {
        if (room-- <= 0) return false;
        b.text().then((t) => beaconed.push(JSON.parse(t).events.map((e: ExposureEvent) => e.id)));
        return true;
      },
      configurable: true,
    });
    // 15 events of ~5 KB: under the 20-event flush, over one 60 KiB body.
    const big = 'x'.repeat(5000);
    const events = Array.from({ length: 15 }, () => event(big));
    for (const e of events) s.t._push(e);
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beaconed).toHaveLength(1);
    const first = beaconed[0]!;
    const rest = events.map((e) => e.id).filter((id) => !first.includes(id));
    expect(first.length).toBeGreaterThan(0);
    expect(rest.length).toBeGreaterThan(0);
    expect(s.calls).toHaveLength(1); // the keepalive fallback for the refused body (failed)
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).b).toEqual(first);
    // The next hide (quota free again) beacons only what was not taken.
    room = 1;
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beaconed[1]).toEqual(rest);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).b).toEqual([...first, ...rest]);
  });

  it('a hide with the keepalive fetch fallback removes the events it saw a 2xx for', async () => {
    const s = setup([204]);
    Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });
    s.t._push(event());
    s.t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.calls).toHaveLength(1);
    expect(JSON.parse(s.store.get(QUEUE_KEY)!).e).toEqual([]);
  });

  it('drop() forgets the queue', async () => {
    const s = setup([], () => false);
    s.t._push(event());
    s.t._drop();
    expect(s.store.get(QUEUE_KEY)).toBeNull();
  });
});

describe('transport after destroy() and under a long Retry-After', () => {
  beforeEach(() => {
    document.body.innerHTML = '<h1 id="h">Original</h1>';
    localStorage.clear();
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an in-flight send that fails after destroy() schedules no retry', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let resolveFirst: (v: boolean) => void = () => {};
    const send = vi.fn(() => {
      calls++;
      return calls === 1
        ? new Promise<boolean>((r) => {
            resolveFirst = r;
          })
        : false;
    });
    const tr = createTransport({
      _endpoint: '/c',
      _site: 's',
      _store: createStore({}),
      _allowed: () => true,
      _report: () => {},
      _now: () => Date.now(),
      _send: send,
    });
    for (let i = 0; i < 20; i++)
      tr._push({
        type: 'exposure',
        id: `id${i}`,
        ts: 1,
        visitor: 'v',
        session: 's',
        path: '/',
        experience: 'e',
        variant: 'v',
      } as never);
    expect(calls).toBe(1);
    tr._stop(); // destroy()
    resolveFirst(false); // collector 503
    await vi.advanceTimersByTimeAsync(400_000);
    expect(calls).toBe(1);
  });

  it('a Retry-After beyond 2^31 ms holds delivery without a timer loop', async () => {
    // Fake timers: the 300 ms below are the test's clock, so a busy machine runs the same
    // number of timer turns as an idle one (with real time it ran fewer and proved less).
    vi.useFakeTimers();
    const fakeSet = globalThis.setTimeout;
    let scheduled = 0;
    const now = Date.now();
    const tr = createTransport({
      _endpoint: '/c',
      _site: 's',
      _store: createStore({}),
      _allowed: () => true,
      _report: () => {},
      _now: () => now,
      _send: undefined,
    });
    // collector answers 503 with Retry-After: 30 days
    (globalThis as { fetch: unknown }).fetch = vi.fn(async () => ({
      status: 503,
      headers: new Headers({ 'retry-after': String(30 * 86400) }),
    }));
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      scheduled++;
      // What browsers and Node do with a delay past 2^31 - 1 ms: fire after 1 ms.
      if (scheduled < 200) return fakeSet(fn, (ms ?? 0) > 2 ** 31 - 1 ? 1 : ms);
      return 0;
    }) as never);
    tr._push({
      type: 'exposure',
      id: 'x',
      ts: 1,
      visitor: 'v',
      session: 's',
      path: '/',
      experience: 'e',
      variant: 'v',
    } as never);
    tr._flush();
    await vi.advanceTimersByTimeAsync(300);
    spy.mockRestore();
    tr._stop();
    vi.useRealTimers();
    expect(scheduled).toBeGreaterThan(0);
    expect(scheduled).toBeLessThan(5);
  });
});
