import { describe, expect, it } from 'vitest';
import { capped, countShown, noteDismissed } from '../../src/frequency';
import type { Experience } from '../../src/manifest/types';
import type { Profile } from '../../src/storage/profile';

const DAY = 86_400_000;
const profile = (start: number): Profile =>
  ({ session: { start }, sticky: {}, traits: {}, conversions: {} }) as unknown as Profile;
const exp = (frequency?: Experience['frequency']) =>
  ({ id: 'e', variants: [{ id: 'a' }], ...(frequency ? { frequency } : {}) }) as Experience;

describe('frequency memory', () => {
  it('counts page views shown in total and in the current session; a new session starts its count again', () => {
    const p = profile(1000);
    countShown(p, 'e');
    countShown(p, 'e');
    expect(p.seen?.e).toEqual({ n: 2, k: 2, s: 1000 });
    p.session.start = 5000;
    countShown(p, 'e');
    expect(p.seen?.e).toEqual({ n: 3, k: 1, s: 5000 });
  });

  it('caps per session, in total, and for dismissDays after a dismissal; nothing without a cap or a memory', () => {
    const p = profile(1000);
    expect(capped(p, exp({ perSession: 1 }), 0)).toBe(false);
    countShown(p, 'e');
    expect(capped(p, exp(), 0)).toBe(false);
    expect(capped(p, exp({ perSession: 1 }), 0)).toBe(true);
    expect(capped(p, exp({ perSession: 2 }), 0)).toBe(false);
    // A new session: the per-session count is 0 again, the total is not.
    p.session.start = 9000;
    expect(capped(p, exp({ perSession: 1 }), 0)).toBe(false);
    expect(capped(p, exp({ total: 1 }), 0)).toBe(true);
    noteDismissed(p, 'e', 10 * DAY);
    expect(p.seen?.e?.d).toBe(10 * DAY);
    expect(capped(p, exp({ dismissDays: 2 }), 11 * DAY)).toBe(true);
    expect(capped(p, exp({ dismissDays: 2 }), 12 * DAY)).toBe(false);
    expect(capped(p, exp({ perSession: 5 }), 11 * DAY)).toBe(false);
  });

  it('notes a dismissal only of an experience it has a memory of', () => {
    const p = profile(0);
    noteDismissed(p, 'e', 5);
    expect(p.seen?.e).toBeUndefined();
    expect(() => noteDismissed(null, 'e', 5)).not.toThrow();
  });
});
