import { compilePathPattern } from '../manifest/pattern';
import type { PageTargeting, Schedule } from '../manifest/types';

const any = (patterns: PageTargeting['include'], path: string) =>
  !!patterns?.some((p) => compilePathPattern(p)(path));

/** Whether an experience runs on `path`: in `include` (or no include list) and not in `exclude`. */
export const pathMatches = (pages: PageTargeting | undefined, path: string): boolean =>
  !pages || ((!pages.include?.length || any(pages.include, path)) && !any(pages.exclude, path));

/**
 * Whether `now` is inside the schedule: `start` ≤ now < `end` (ISO instants), on one of
 * `weekdays` and within `hours` [from, to) in the local time of the Date given; a range such
 * as [22, 6] wraps past midnight.
 */
export function inSchedule(schedule: Schedule | undefined, now: Date): boolean {
  if (!schedule) return true;
  const t = now.getTime();
  if (schedule.start && t < Date.parse(schedule.start)) return false;
  if (schedule.end && t >= Date.parse(schedule.end)) return false;
  if (schedule.weekdays && !schedule.weekdays.includes(now.getDay())) return false;
  const [from, to] = schedule.hours || [];
  if (from === undefined || to === undefined) return true;
  const h = now.getHours();
  return from <= to ? h >= from && h < to : h >= from || h < to;
}
