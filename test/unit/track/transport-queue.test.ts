// @vitest-environment happy-dom
// The persisted queue shared by tabs (read-merge-write of tlr_queue), stored deadlines bounded
// on read (skewed clocks), and the page-hide beacon during a plain backoff.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExposureEvent } from '../../../src/manifest/types';
import { createStore } from '../../../src/storage/store';
import { createTransport, MAX_QUEUE, QUEUE_KEY } from '../../../src/track/transport';

let n = 0;
const event = (): ExposureEvent => ({
  type: 'exposure',
  id: `q-${String(++n).padStart(16, '0')}`,
  ts: 1,
  visitor: 'v',
  session: 's',
  path: '/',
  experience: 'e',
  variant: 'b',
});

/** What the collector answers: a status, or a status with headers. */
type Answer = number | [number, Record<string, string>];

let answers: Answer[] = [];
let received: string[][] = [];
let clock = 0;

/** One tab: its own store (a memory copy over the shared localStorage) and transport. */
function tab(allowed: () => boolean = () => true) {
  const errors: string[] = [];
  const t = createTransport({
    _endpoint: '/collect',
    _site: 'shop',
    _store: createStore({ persist: true }),
    _allowed: allowed,
    _report: (m) => errors.push(m),
    _now: () => clock,
  });
  return { t, errors };
}

const stored = (): string[] =>
  (JSON.parse(localStorage.getItem(QUEUE_KEY) || '{"e":[]}').e as ExposureEvent[]).map((e) => e.id);
const delivered = () => new Set(received.flat());

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
  answers = [];
  received = [];
  clock = 1_700_000_000_000;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      received.push(JSON.parse(init.body as string).events.map((e: ExposureEvent) => e.id));
      const a = answers.shift() ?? 204;
      const [status, headers] = Array.isArray(a) ? a : [a, {}];
      return new Response(status === 204 ? null : '', { status, headers });
    }),
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('tlr_queue shared by tabs', () => {
  it('two tabs pushing in turn keep every event in storage', () => {
    const a = tab(() => false);
    const b = tab(() => false);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++)
      for (const x of [a, b]) {
        const e = event();
        ids.push(e.id);
        x.t._push(e);
      }
    expect(stored().sort()).toEqual([...ids].sort());
    // A third tab opened later sends all of them.
    a.t._stop();
    b.t._stop();
    const c = tab();
    return vi.advanceTimersByTimeAsync(0).then(() => {
      expect(delivered()).toEqual(new Set(ids));
      expect(stored()).toEqual([]);
      c.t._stop();
    });
  });

  it("a tab removes only what it saw delivered: another tab's events queued meanwhile stay", async () => {
    answers = [503];
    const a = tab();
    const mineA = Array.from({ length: 20 }, event);
    for (const e of mineA) a.t._push(e); // 20: a flush, answered 503
    await vi.advanceTimersByTimeAsync(0);
    const b = tab(() => false);
    const mineB = [event(), event()];
    for (const e of mineB) b.t._push(e);
    // A's retry is accepted: A removes its own 20 (and B's two it sent too), nothing else.
    const later = event();
    clock += 300_000;
    await vi.advanceTimersByTimeAsync(300_000);
    b.t._push(later);
    expect(delivered()).toEqual(new Set([...mineA, ...mineB].map((e) => e.id)));
    expect(stored()).toEqual([later.id]);
    a.t._stop();
    b.t._stop();
  });

  it('keeps the 500 cap across tabs, oldest first, and reports the drop count', { timeout: 30_000 }, () => {
    const a = tab(() => false);
    const b = tab(() => false);
    const ids: string[] = [];
    for (let i = 0; i < MAX_QUEUE / 2 + 3; i++)
      for (const x of [a, b]) {
        const e = event();
        ids.push(e.id);
        x.t._push(e);
      }
    expect(stored()).toEqual(ids.slice(6));
    expect([...a.errors, ...b.errors].filter((m) => /queue is full \(500\)/.test(m))).toHaveLength(6);
    // A dropped event does not come back with its tab's next change.
    a.t._push(event());
    expect(stored()).not.toContain(ids[0]);
    expect(stored()).toHaveLength(MAX_QUEUE);
  });
});

describe('a stored deadline is bounded on read', () => {
  const holdStoredBy = (at: number, extra: Record<string, unknown> = {}) => {
    const e = event();
    localStorage.setItem(QUEUE_KEY, JSON.stringify({ e: [e], n: 1, at, ...extra }));
    return e;
  };

  it('a backoff set by a clock a year ahead, then corrected, holds at most its own length', async () => {
    const e = holdStoredBy(clock + 365 * 86_400_000 + 2000, { w: 2000 });
    const { t } = tab();
    await vi.advanceTimersByTimeAsync(1999);
    clock += 1999;
    expect(received).toEqual([]);
    clock += 1;
    await vi.advanceTimersByTimeAsync(1);
    expect(delivered()).toEqual(new Set([e.id]));
    t._stop();
  });

  it('a stored deadline with no length, or one over a day, is held at most a day', async () => {
    holdStoredBy(clock + 365 * 86_400_000, { w: 365 * 86_400_000, h: 1 });
    const { t } = tab();
    clock += 86_400_000;
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(received).toHaveLength(1);
    t._stop();
    localStorage.clear();
    received = [];
    holdStoredBy(clock + 3_600_000);
    const next = tab();
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toHaveLength(1);
    next.t._stop();
  });

  it('a live page whose clock is set back a year after a 503 sends again after one backoff', async () => {
    answers = [503];
    const { t } = tab();
    clock += 365 * 86_400_000; // ahead
    for (let i = 0; i < 20; i++) t._push(event());
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toHaveLength(1);
    clock -= 365 * 86_400_000; // corrected
    await vi.advanceTimersByTimeAsync(4000);
    clock += 4000;
    await vi.advanceTimersByTimeAsync(4000);
    expect(received).toHaveLength(2);
    t._stop();
  });
});

describe('leaving during a backoff', () => {
  let beacons: string[][];
  beforeEach(() => {
    beacons = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      value: (_: string, b: Blob) => {
        b.text().then((s) => beacons.push(JSON.parse(s).events.map((e: ExposureEvent) => e.id)));
        return true;
      },
      configurable: true,
    });
  });

  it('a plain 503 backoff does not hold the page-hide beacon', async () => {
    answers = [503];
    const { t } = tab();
    const events = Array.from({ length: 20 }, event);
    for (const e of events) t._push(e);
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toHaveLength(1);
    t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons).toEqual([events.map((e) => e.id)]);
    t._stop();
  });

  it("a collector's Retry-After still holds it", async () => {
    answers = [[503, { 'retry-after': '60' }]];
    const { t } = tab();
    for (let i = 0; i < 20; i++) t._push(event());
    await vi.advanceTimersByTimeAsync(0);
    t._flush(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons).toEqual([]);
    t._stop();
  });
});
