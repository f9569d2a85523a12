/**
 * Why each experience got the decision it got: the reasons the debug view (`?tailor_debug=1`)
 * shows. Nothing is worked out again here: the one pass that decides (`assignVariants`) records
 * why it left each experience out, and this names that record and adds what happened after the
 * decision (exposed, waiting, held back by its frequency cap).
 */
import type { DecidedAssignment, Experience } from '../manifest/types';
import type { OutReason } from './assign';

/**
 * - `shown`: exposed on this page view (control and holdouts: at the moment they would have rendered)
 * - `waiting`: assigned, its trigger has not fired or its element is not in the page yet
 * - `forced`: forced with `?tailor_force`
 * - `holdout` / `global-holdout`: held out, nothing renders
 * - `frequency`: assigned, but its frequency cap or a dismissal holds it back
 * - `status`: paused, or a draft without `?tailor_preview=1`
 * - `pages`: not on this page
 * - `schedule`: outside its schedule
 * - `audience`: its audience condition is false
 * - `layer`: another experience of its layer was taken first
 * - `unit`: its unit id (e.g. `visitor.userId`) is empty
 * - `consent`: waiting for consent (it needs a stable id, or a global holdout is set)
 * - `traffic`: outside its traffic percentage
 * - `no-variant`: no variant has a weight above 0
 */
export type DecisionReason =
  | 'shown'
  | 'waiting'
  | 'forced'
  | 'holdout'
  | 'global-holdout'
  | 'frequency'
  | 'status'
  | 'pages'
  | 'schedule'
  | 'audience'
  | 'layer'
  | 'unit'
  | 'consent'
  | 'traffic'
  | 'no-variant';

/** The decision about one experience and why. */
export interface Decision {
  experience: string;
  /** The assigned variant, or null when the visitor is not in the experience. */
  variant: string | null;
  reason: DecisionReason;
  /** Exposed on this page view. */
  exposed: boolean;
  /** For `layer`: the experience that took the layer. */
  by?: string;
}

export interface ExplainInput {
  /** The experiences, in manifest order (the order of the result). */
  experiences: readonly Experience[];
  /** The assignments of the decision. */
  assignments: readonly DecidedAssignment[];
  /** Why each other experience was left out, as the decision recorded it. */
  out: ReadonlyMap<string, OutReason>;
  exposed(experienceId: string): boolean;
  /** Held back by its frequency cap or a dismissal (when not exposed yet). */
  capped(experience: Experience): boolean;
}

/** The names of the reason codes of assign.ts, from 1. */
const NAMES: DecisionReason[] = [
  'status',
  'pages',
  'schedule',
  'audience',
  'unit',
  'consent',
  'traffic',
  'no-variant',
];

/** Explains every experience of `input.experiences`, in that order. */
export function explainDecisions(input: ExplainInput): Decision[] {
  const assigned = new Map(input.assignments.map((a) => [a.experience, a]));
  return input.experiences.map((e): Decision => {
    const a = assigned.get(e.id);
    const exposed = input.exposed(e.id);
    if (a) {
      const v = a.variant;
      return {
        experience: e.id,
        variant: v,
        exposed,
        reason: a.forced
          ? 'forced'
          : v === 'global-holdout' || v === 'holdout'
            ? v
            : exposed
              ? 'shown'
              : input.capped(e)
                ? 'frequency'
                : 'waiting',
      };
    }
    const r = input.out.get(e.id);
    if (typeof r === 'string') return { experience: e.id, variant: null, reason: 'layer', exposed, by: r };
    // Every experience of the decision is assigned or has a recorded reason; one missing from
    // the record (a snapshot made by other tooling) reads as not running.
    return { experience: e.id, variant: null, reason: NAMES[(r ?? 1) - 1] ?? 'status', exposed };
  });
}
