/**
 * Why each experience got the decision it got: the reasons the debug view (`?tailor_debug=1`)
 * shows. Pure, like `assignVariants`, and used only by the debug view, so the production path
 * pays nothing for it. It replays the steps of `assignVariants` in the same order (priority,
 * then manifest order) and takes the assignments the runtime actually made as the truth for
 * who is in; the unit tests check both agree on random manifests and visitors.
 */
import type { DecidedAssignment, Experience } from '../manifest/types';
import { anonymous, outsideTraffic } from './assign';
import { inSchedule, pathMatches } from './eligibility';

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
  /** What `assignVariants` returned. */
  assignments: readonly DecidedAssignment[];
  holdoutPercent: number;
  consentGranted: boolean;
  /** The page path (for `pages`). */
  path: string;
  /** `?tailor_preview=1`: drafts run. */
  preview: boolean;
  /** Epoch ms of the decision (for schedules, in the local time of this process). */
  now: number;
  unitOf(experience: Experience): string | null;
  audience(experience: Experience): boolean;
  exposed(experienceId: string): boolean;
  /** Held back by its frequency cap or a dismissal (when not exposed yet). */
  capped(experience: Experience): boolean;
}

/** The first assignment step (docs/experiences.md#assignment), or eligibility rule, that keeps an unassigned experience out. */
function whyOut(e: Experience, input: ExplainInput, layerOwner: string | undefined): Decision['reason'] {
  if (e.status === 'paused' || (e.status === 'draft' && !input.preview)) return 'status';
  if (!pathMatches(e.pages, input.path)) return 'pages';
  if (!inSchedule(e.schedule, new Date(input.now))) return 'schedule';
  if (!input.audience(e)) return 'audience';
  if (layerOwner) return 'layer';
  const u = input.unitOf(e);
  if (u === null) return 'unit';
  if (!input.consentGranted && (!anonymous(e) || input.holdoutPercent > 0)) return 'consent';
  if (outsideTraffic(e, u)) return 'traffic';
  return 'no-variant';
}

/** Explains every experience of `input.experiences`, in that order. */
export function explainDecisions(input: ExplainInput): Decision[] {
  const assigned = new Map(input.assignments.map((a) => [a.experience, a]));
  const layers = new Map<string, string>();
  // A sticky assignment holds its layer whatever its priority (see assignVariants).
  for (const a of input.assignments) {
    const layer = !a.forced && input.experiences.find((e) => e.id === a.experience)?.layer;
    if (layer && !layers.has(layer)) layers.set(layer, a.experience);
  }
  const out = new Map<string, Decision>();
  const ordered = input.experiences
    .map((e, i) => [e, i] as const)
    .sort((a, b) => (b[0].priority || 0) - (a[0].priority || 0) || a[1] - b[1]);
  for (const [e] of ordered) {
    const a = assigned.get(e.id);
    const exposed = input.exposed(e.id);
    const holder = e.layer ? layers.get(e.layer) : undefined;
    const owner = holder === e.id ? undefined : holder;
    let d: Decision;
    if (a?.forced) d = { experience: e.id, variant: a.variant, reason: 'forced', exposed };
    else if (a) {
      const v = a.variant;
      d = {
        experience: e.id,
        variant: v,
        exposed,
        reason:
          v === 'global-holdout' || v === 'holdout'
            ? v
            : exposed
              ? 'shown'
              : input.capped(e)
                ? 'frequency'
                : 'waiting',
      };
    } else {
      const reason = whyOut(e, input, owner);
      d = { experience: e.id, variant: null, reason, exposed };
      if (reason === 'layer') d.by = owner;
    }
    // As in assignVariants: a layer is taken by the first experience past traffic (or in the
    // global holdout), assigned or not; forced experiences do not take it.
    if (e.layer && !owner && !a?.forced && (a || d.reason === 'no-variant')) layers.set(e.layer, e.id);
    out.set(e.id, d);
  }
  return input.experiences.map((e) => out.get(e.id)!);
}
