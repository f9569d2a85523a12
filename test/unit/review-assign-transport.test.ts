// @vitest-environment happy-dom
// Assignment and transport edge cases: each test failed before its fix.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assignVariants } from '../../src/assign/assign';
import { bucket } from '../../src/assign/bucket';
import { createStore } from '../../src/storage/store';
import { createTransport } from '../../src/track/transport';

beforeEach(() => {
  document.body.innerHTML = '<h1 id="h">Original</h1>';
  localStorage.clear();
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});
afterEach(() => {
  vi.useRealTimers();
});

describe('assignment and transport edge cases', () => {
  it('a former global-holdout visitor gets no sticky hold: the traffic check applies once the holdout is lowered', () => {
    const e = {
      id: 'exp',
      traffic: 10,
      variants: [
        { id: 'a', actions: [] },
        { id: 'b', actions: [] },
      ],
    } as never;
    // find visitors in the 50% global holdout and outside exp's 10% traffic
    let inBefore = 0,
      inAfter = 0,
      n = 0;
    for (let i = 0; n < 400; i++) {
      const u = `v${i}`;
      if (!(bucket(`holdout.${u}`) < 0.5) || bucket(`exp.traffic.${u}`) < 0.1) continue;
      n++;
      const first = assignVariants({
        experiences: [e],
        holdoutPercent: 50,
        unitOf: () => u,
        eligible: () => true,
        sticky: {},
        forced: null,
        consentGranted: true,
      });
      inBefore += first.assignments.length && first.assignments[0]!.variant !== 'global-holdout' ? 1 : 0;
      expect(inBefore).toBe(0); // held out: none was in the experience before
      const later = assignVariants({
        experiences: [e],
        holdoutPercent: 0,
        unitOf: () => u,
        eligible: () => true,
        sticky: first.sticky,
        forced: null,
        consentGranted: true,
      });
      inAfter += later.assignments.length;
    }
    expect(inAfter).toBe(0);
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
