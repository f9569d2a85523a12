import { afterEach, describe, expect, it } from 'vitest';
import { createPhases } from '../../src/phases';

describe('the two phases of a page view (src/phases.ts)', () => {
  const setup = () => {
    const log: string[] = [];
    const phases = createPhases(
      () => log.push('first'),
      (fn) => fn(),
    );
    return { log, phases };
  };

  it('runs a deferred function at once when nothing holds', () => {
    const { log, phases } = setup();
    phases._defer(() => log.push('now'));
    expect(log).toEqual(['now']);
    expect(phases._holding()).toBe(false);
  });

  it('holds until the next task, then runs `first` and what was held, in order, and resolves the hold', async () => {
    const { log, phases } = setup();
    const settled = phases._hold();
    expect(phases._holding()).toBe(true);
    phases._defer(() => log.push('a'));
    phases._defer(() => log.push('b'));
    await Promise.resolve();
    expect(log).toEqual([]); // a microtask is not the next task
    await settled;
    expect(log).toEqual(['first', 'a', 'b']);
    expect(phases._holding()).toBe(false);
  });

  describe('where the browser has scheduler.postTask (Chromium)', () => {
    afterEach(() => {
      delete (globalThis as { scheduler?: unknown }).scheduler;
    });

    it('posts the settle as a task instead of opening a message channel', async () => {
      const posted: (() => void)[] = [];
      (globalThis as { scheduler?: unknown }).scheduler = { postTask: (fn: () => void) => posted.push(fn) };
      const { log, phases } = setup();
      const settled = phases._hold();
      phases._defer(() => log.push('a'));
      expect(posted).toHaveLength(1);
      expect(log).toEqual([]);
      posted[0]!();
      await settled;
      expect(log).toEqual(['first', 'a']);
      expect(phases._holding()).toBe(false);
    });
  });

  it('settles at once when asked (a page going away), and the message that comes later changes nothing', async () => {
    const { log, phases } = setup();
    const settled = phases._hold();
    phases._defer(() => log.push('a'));
    phases._settle();
    expect(log).toEqual(['first', 'a']);
    await settled;
    expect(log).toEqual(['first', 'a']);
  });

  it('a settle with nothing held runs nothing, not even `first`', () => {
    const { log, phases } = setup();
    phases._settle();
    expect(log).toEqual([]);
  });
});
