/**
 * The records beacons carry and `on('exposure')` / `on('conversion')` get (docs/events.md). Pure:
 * the runtime gives the moment the event happened (time, path, session start) and the visitor
 * id, read when the event is made, which may be a task later (the two phases of a page view).
 */
import type { Assignment } from '../assign/assign';
import type { ConversionEvent, ExposureEvent } from '../manifest/types';
import { randomId } from '../random-id';
import type { StickyAssignment } from '../storage/profile';

/** When an event happened: epoch ms, page path, and the start of the visitor's session then. */
export type Moment = readonly [ts: number, path: string, sessionStart: number];

/** The fields every event carries (docs/consent.md). */
const base = <T extends 'exposure' | 'conversion'>(type: T, [ts, path, start]: Moment, visitor: string) => ({
  type,
  id: randomId(),
  ts,
  visitor,
  session: `${visitor}.${start}`,
  path,
});

export function exposureEvent(
  at: Moment,
  visitor: string,
  experience: string,
  variant: string,
  forced?: true,
): ExposureEvent {
  const event: ExposureEvent = { ...base('exposure', at, visitor), experience, variant };
  if (forced) event.forced = forced;
  return event;
}

export const conversionEvent = (
  at: Moment,
  visitor: string,
  goal: string,
  value: number | undefined,
  assignments: Record<string, string>,
  segments: string[],
): ConversionEvent => ({
  ...base('conversion', at, visitor),
  goal,
  ...(value === undefined ? {} : { value }),
  assignments,
  segments,
});

/**
 * The variants a conversion is credited to: every sticky assignment the visitor holds, and the
 * assignments of this page view. Forced variants (QA) are not the visitor's: their experiences
 * keep the sticky ones.
 */
export function creditedVariants(
  sticky: Readonly<Record<string, StickyAssignment>>,
  assignments: Iterable<Assignment>,
): Record<string, string> {
  const held: Record<string, string> = {};
  for (const [k, s] of Object.entries(sticky)) held[k] = s.v;
  for (const a of assignments) if (!a.forced) held[a.experience] = a.variant;
  return held;
}
