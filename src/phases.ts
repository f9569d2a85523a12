/**
 * The two phases of a page view: up to its first DOM change only the reads that deciding and
 * rendering need; storage writes (profile, visitor cookie, queue), exposures and other events are
 * held and run one task after (`_settle`), in the order they were made. A page that goes away
 * first, a redirect, `consent()`, `forget()` and `destroy()` settle at once.
 */
export interface Phases {
  /** Runs `fn` now, or, while a page view holds, when it settles. */
  _defer(fn: () => void): void;
  /** Holds from now until the settle one task later; resolves once settled. */
  _hold(): Promise<void>;
  /** Runs `first` then what is held, if anything is, and resolves every hold. */
  _settle(): void;
  /** Whether what is deferred is held now. */
  _holding(): boolean;
}

/** `run` runs each held function (the runtime reports one that throws and goes on). */
export function createPhases(first: () => void, run: (fn: () => void) => void): Phases {
  let later: (() => void)[] | null = null;
  const settled: (() => void)[] = [];
  const phases: Phases = {
    _defer: (fn) => (later ? void later.push(fn) : fn()),
    // One task later, never a timer (throttled in background tabs, clamped when nested): a
    // scheduled task where the browser has `scheduler.postTask` (about 1 µs to post in Chromium),
    // else a message (Safari; Node since 15), whose channel costs Chromium 25–70 µs to open.
    _hold: () =>
      new Promise((resolve) => {
        later ||= [];
        settled.push(resolve);
        const s = (globalThis as { scheduler?: { postTask(fn: () => void): unknown } }).scheduler;
        if (s) s.postTask(phases._settle);
        else {
          const c = new MessageChannel();
          c.port1.onmessage = () => {
            c.port1.close();
            phases._settle();
          };
          c.port2.postMessage(0);
        }
      }),
    _settle() {
      const q = later;
      later = null;
      if (q) {
        first();
        for (const fn of q) run(fn);
      }
      for (const r of settled.splice(0)) r();
    },
    _holding: () => !!later,
  };
  return phases;
}
