/**
 * Live behaviour on the current page (docs/context.md): `behavior.scrollDepth` (0–100, the deepest
 * point seen) and `behavior.secondsOnPage`. The context holds an object with getters, so a
 * condition or trigger evaluated later reads the value of that moment.
 */
import { F_BEHAVIOR } from '../features';
import type { Context } from '../manifest/types';

export interface Behavior {
  /** Live values (getters). */
  _values: Context['behavior'];
  /**
   * A new page view: depth and time start again. `track`: the deepest point is followed with a
   * scroll listener (only a manifest that reads `behavior.scrollDepth` needs it: adding one
   * costs a page view 10–20 µs in Chromium; a scroll trigger listens itself).
   */
  _reset(now: number, track?: boolean): void;
  /** Current scroll depth, 0–100. */
  _depth(): number;
  /** Removes the scroll listener. */
  _stop(): void;
}

export function createBehavior(clock: () => number): Behavior {
  // A site tag built for a manifest that reads no behaviour and has no scroll trigger.
  if (!F_BEHAVIOR) return { _values: {} as Context['behavior'], _reset() {}, _depth: () => 0, _stop() {} };
  let start = clock();
  let deepest = 0;
  let listening = false;
  const win = typeof window === 'undefined' ? null : window;
  const measure = () => {
    if (!win) return 0;
    const doc = win.document.documentElement;
    const scrollable = doc.scrollHeight - win.innerHeight;
    // A page that cannot scroll has been seen entirely, once it is all there: one still being
    // parsed (a tag in <head> deciding) has been seen nowhere yet.
    const depth =
      scrollable > 0
        ? Math.min(100, Math.round((win.scrollY / scrollable) * 100))
        : win.document.readyState === 'loading'
          ? 0
          : 100;
    deepest = Math.max(deepest, depth);
    return deepest;
  };
  const listen = () => {
    if (win && !listening) {
      listening = true;
      // No `passive` option: a scroll event cannot be cancelled, so it would change nothing.
      win.addEventListener('scroll', measure);
    }
  };
  const values = {
    get scrollDepth() {
      return measure();
    },
    get secondsOnPage() {
      return Math.max(0, Math.floor((clock() - start) / 1000));
    },
  };
  return {
    _values: values as Context['behavior'],
    _reset(now, track) {
      start = now;
      deepest = 0;
      if (track) listen();
    },
    _depth: measure,
    _stop() {
      win?.removeEventListener('scroll', measure);
      listening = false;
    },
  };
}
