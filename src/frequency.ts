/**
 * Frequency caps and dismissal memory (docs/experiences.md): what the visitor's profile keeps of
 * each experience shown, and whether that holds an experience back. Pure, on the profile given.
 */
import { F_FREQUENCY } from './features';
import type { Experience } from './manifest/types';
import type { Profile } from './storage/profile';

const DAY = 86_400_000;

/** Whether `frequency` or a dismissal holds back `e`, not yet shown on this page view. */
export function capped(p: Profile, e: Experience, now: number): boolean {
  const f = F_FREQUENCY && e.frequency;
  const seen = p.seen?.[e.id];
  if (!f || !seen) return false;
  const k = seen.s === p.session.start ? seen.k : 0;
  return (
    (f.perSession !== undefined && k >= f.perSession) ||
    (f.total !== undefined && seen.n >= f.total) ||
    (!!seen.d && f.dismissDays !== undefined && now - seen.d < f.dismissDays * DAY)
  );
}

/** Counts one page view showing experience `id`, in total and in the profile's session. */
export function countShown(p: Profile, id: string): void {
  p.seen ||= {};
  const prev = p.seen[id];
  const start = p.session.start;
  p.seen[id] = { ...prev, n: (prev?.n || 0) + 1, k: (prev?.s === start ? prev.k : 0) + 1, s: start };
}

/** Notes that the visitor dismissed experience `id` at `now` (in the memory of its showings). */
export function noteDismissed(p: Profile | null, id: string, now: number): void {
  const seen = p?.seen?.[id];
  if (seen) seen.d = now;
}
