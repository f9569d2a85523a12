/**
 * Waits for elements and keeps changes applied (docs/experiences.md#rendering):
 * - an action whose element is not in the DOM yet applies the moment it appears, up to 10 s
 *   after the page view (a MutationObserver callback runs at the end of the parser's task,
 *   before the next paint, so the original content is never painted);
 * - a change that the site overwrites (hydration, framework updates, the parser appending an
 *   element's text after the change) is re-applied: during the wait in the same observer
 *   callback, after it at most once per animation frame; `MAX_REAPPLY` times per page view in
 *   all, so a script fighting Tailor in a loop cannot hang the page; an element the site replaces with a new one gets
 *   the change at once (before paint), also after the wait, counted the same way;
 * - `priority` (docs/experiences.md#rendering): an element is changed by one experience (`Watch._owner`) at a time.
 */
import type { Change } from './actions';

/** docs/experiences.md#rendering: elements are waited for up to 10 s after the page view. */
export const WAIT_MS = 10_000;
const MAX_REAPPLY = 50;

/** The experience a change belongs to: the lower `_rank` (higher priority, then earlier) keeps an element. */
export interface Owner {
  _rank: number;
}

/** One selector-bound rule: apply to each matching element once, keep it applied. */
export interface Watch {
  /** CSS selector. */
  _selector: string;
  /** Applies the change to one element; throws when refused. */
  _apply(el: Element): Change;
  /** Called once when the wait ends without a single match, or when applying throws. */
  _fail(message: string): void;
  /**
   * Called when the change shows on an element: each time it is applied (first, repaired,
   * handed over) and, at `_wait`, for each element it still shows on. Never while it waits for
   * a higher experience, nor for a change taken over in the same `_batch` (never painted).
   */
  _applied?(el: Element): void;
  /** Whose change it is; without one (widgets) the change never yields an element. */
  _owner?: Owner;
  /** Only looks (control, holdouts): waits like `_owner`'s changes but never holds the element. */
  _anchor?: boolean;
}

interface Live {
  _watch: Watch;
  _changes: Map<Element, Change>;
  _reapplied: number;
}

export interface Watcher {
  /** Starts a watch; returns its revert. */
  _add(watch: Watch): () => void;
  /** Ends waiting for missing elements (reporting them) but keeps re-applying. */
  _settle(): void;
  /**
   * A new page view: changes still shown (element connected, not waiting) are reported to
   * `_applied` again, and elements are waited for again (SPA routes render new ones).
   */
  _wait(): void;
  /** Runs `fn`, then reports to `_applied` what still shows (see `Watch._applied`). */
  _batch(fn: () => void): void;
  /** Reverts everything and disconnects. */
  _stop(): void;
}

export function createWatcher(doc: Document, setTimer: typeof setTimeout = setTimeout): Watcher {
  const live = new Set<Live>();
  // Every watch not reverted yet, including failed ones (no longer live): `_stop` reverts them all.
  const all = new Set<Live>();
  // Which experience holds an element. The others' changes to it wait (`held`), and one that
  // outranks the holder first reverts the holder's changes to it, so changes never interleave.
  const owners = new WeakMap<Element, Owner>();
  let waiting = true;
  let scheduled = false;
  let observer: MutationObserver | null = null;

  /** Ends a watch with a failure, once per watch however many elements match. */
  const fail = (l: Live, message: string) => {
    if (live.delete(l)) l._watch._fail(message);
  };

  /** A change waiting while `holder` holds `el`: "overwritten" once it lets go, so it is re-tried. */
  const held = (el: Element, holder: Owner): Change => ({
    _intact: () => owners.get(el) === holder,
    _revert() {},
  });

  /** Whether `me` must wait: a higher-ranked experience holds `el` (never `me` itself: same rank). */
  const waits = (me: Owner | undefined, el: Element) => {
    const h = me && owners.get(el);
    return !!h && h._rank < me!._rank;
  };

  /** Whether `l`'s change to `el` shows: connected, not overwritten, not waiting. */
  const shows = (l: Live, el: Element) =>
    el.isConnected && !!l._changes.get(el)?._intact() && !waits(l._watch._owner, el);

  // Changes applied in the current batch, reported at its end: the watches scan in the order
  // they were added, so a lower experience may take an element first and lose it at once.
  let pending: [Live, Element][] | undefined;
  const report = (l: Live, el: Element) => {
    if (pending) pending.push([l, el]);
    else if (shows(l, el)) l._watch._applied?.(el);
  };
  const batch = (fn: () => void) => {
    if (pending) return fn();
    pending = [];
    try {
      fn();
    } finally {
      const p = pending;
      pending = undefined;
      for (const [l, el] of p) report(l, el);
    }
  };

  const holds = (o: Owner, el: Element) => [...all].some((x) => x._watch._owner === o && x._changes.has(el));

  /** `o` no longer changes `el`: the best waiting change takes it at once (same task, before paint). */
  const release = (el: Element, o: Owner | undefined): void => {
    if (!o || owners.get(el) !== o || holds(o, el)) return;
    owners.delete(el);
    batch(() => {
      for (const x of live) {
        const c = el.isConnected && x._changes.get(el);
        // A waiting change takes it; an anchor that was outranked there now shows.
        if (c) c._intact() ? report(x, el) : applyTo(x, el);
      }
    });
  };

  const applyTo = (l: Live, el: Element): void => {
    const { _owner: me, _anchor: looks } = l._watch;
    const holder = me && owners.get(el);
    try {
      if (waits(me, el)) return void l._changes.set(el, held(el, holder!));
      // `me` outranks the holder: the holder's changes to `el` are undone, latest first, and wait.
      if (holder && holder !== me && !looks)
        for (const x of [...all].reverse()) {
          const c = x._changes.get(el);
          if (c && x._watch._owner === holder) c._revert(), x._changes.set(el, held(el, me!));
        }
      if (me && !looks) owners.set(el, me);
      l._changes.set(el, l._watch._apply(el));
      report(l, el);
    } catch (e) {
      fail(l, (e as Error).message);
      // A refused action holds nothing.
      release(el, me);
    }
  };

  const scan = (l: Live) => {
    let found: NodeListOf<Element>;
    try {
      found = doc.querySelectorAll(l._watch._selector);
    } catch {
      return fail(l, `"${l._watch._selector}" is not a valid CSS selector`);
    }
    for (const el of found) if (live.has(l) && !l._changes.has(el)) applyTo(l, el);
  };

  const revert = (l: Live) => {
    live.delete(l);
    all.delete(l);
    const changed = [...l._changes];
    l._changes.clear();
    for (const [el, c] of changed) c._revert(), release(el, l._watch._owner);
  };

  const overwritten = (l: Live) =>
    `stopped re-applying "${l._watch._selector}": the page overwrote it ${MAX_REAPPLY} times`;

  const repair = (l: Live) => {
    for (const [el, change] of l._changes) {
      // A removed element was not overwritten: re-applying to it would only count towards the limit.
      if (!el.isConnected || change._intact()) continue;
      if (++l._reapplied > MAX_REAPPLY) return fail(l, overwritten(l));
      applyTo(l, el);
    }
  };

  /**
   * After the wait: an element the site replaced (a framework re-render) hands its change to the
   * element that took its place, counted like a repair. Elements that merely appear late are
   * left alone (the 10 s window of docs/experiences.md#rendering).
   */
  const rescan = (l: Live) => {
    const gone = [...l._changes.keys()].filter((el) => !el.isConnected);
    if (!gone.length) return;
    for (const el of doc.querySelectorAll(l._watch._selector)) {
      if (!gone.length || !live.has(l)) return;
      if (l._changes.has(el)) continue;
      if (++l._reapplied > MAX_REAPPLY) return fail(l, overwritten(l));
      // The renderer keeps one exposure per page view, however often `_applied` is called.
      applyTo(l, el);
      l._changes.delete(gone.pop()!);
    }
  };

  // First application (and, during the wait, repairs) run in the observer's callback, before
  // any frame, so nothing original is painted; after the wait, repairs run once per frame at most.
  const onMutations = (records: MutationRecord[]) => {
    // After the wait only a batch that added nodes can hold a replacement: attribute and text
    // changes (animations, tickers) cost no query.
    batch(() => {
      // While the page view waits, a change overwritten is repaired here, not at the next frame:
      // the parser may append an element's own text after the change (an `<a>` inserted while
      // its text was still on the wire), and the frame's other callbacks must not see that.
      if (waiting) for (const l of live) scan(l), repair(l);
      else if (records.some((r) => r.addedNodes.length)) for (const l of live) rescan(l);
    });
    if (!scheduled) {
      scheduled = true;
      const run = () => {
        scheduled = false;
        for (const l of live) repair(l);
      };
      const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number })
        .requestAnimationFrame;
      raf ? raf(run) : setTimer(run, 16);
    }
  };

  return {
    _add(watch) {
      const l: Live = { _watch: watch, _changes: new Map(), _reapplied: 0 };
      live.add(l);
      all.add(l);
      scan(l);
      if (!observer && typeof MutationObserver !== 'undefined') {
        observer = new MutationObserver(onMutations);
        observer.observe(doc.documentElement, {
          childList: true,
          subtree: true,
          characterData: true,
          attributes: true,
        });
      }
      return () => revert(l);
    },
    _settle() {
      waiting = false;
      for (const l of live) {
        if (!l._changes.size)
          fail(l, `no element matches "${l._watch._selector}" within ${WAIT_MS / 1000} s of the page view`);
      }
    },
    _wait() {
      waiting = true;
      // Each page view has its own wait (docs/experiences.md#rendering): a change whose element never appeared on
      // the last one (an SPA route without it) looks again on this one.
      // Changes to elements a route change removed are forgotten (no detached DOM kept, no
      // query per mutation for them); a watch left with none looks again.
      for (const l of all) {
        for (const el of l._changes.keys()) if (!el.isConnected) l._changes.delete(el);
        if (!l._changes.size) live.add(l);
      }
      batch(() => {
        // Exposures are per page view (docs/events.md): a change still shown on the new one counts again.
        for (const l of all) for (const el of l._changes.keys()) report(l, el);
        for (const l of live) scan(l);
      });
    },
    _batch: batch,
    _stop() {
      observer?.disconnect();
      observer = null;
      // Nothing is handed over while everything goes; latest first, like the runtime.
      live.clear();
      for (const l of [...all].reverse()) revert(l);
    },
  };
}
