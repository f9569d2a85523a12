/**
 * Variant assignment (docs/experiences.md#assignment): global holdout, traffic, experience holdout, weighted
 * variants, layers, sticky assignments, forced variants, and the consent rule of docs/consent.md. Pure: no
 * DOM, storage or clock.
 */
import type { Action, Experience, Variant } from '../manifest/types';
import type { StickyAssignment } from '../storage/profile';
import { bucket } from './bucket';

/** One experience the visitor is in, with the actions to render (none for holdouts). */
export interface Assignment {
  experience: string;
  variant: string;
  forced?: true;
  actions: Action[];
}

export interface AssignInput {
  experiences: readonly Experience[];
  /** `manifest.holdout.percent`. */
  holdoutPercent: number;
  /** The unit id of an experience (from its `unit` path), null when unknown. */
  unitOf(experience: Experience): string | null;
  /** Status, audience, pages and schedule, evaluated by the caller. */
  eligible(experience: Experience): boolean;
  /**
   * Status and pages only: what a forced variant must still pass (a forced variant skips
   * audience, schedule, traffic and holdouts, never a pause or the page list). Absent: all pass.
   */
  _live?(experience: Experience): boolean;
  sticky: Readonly<Record<string, StickyAssignment>>;
  forced: Record<string, string> | null;
  consentGranted: boolean;
  /** `experiences` in priority order (`byPriority`), when the caller keeps it between decisions. */
  _ordered?: readonly Experience[];
}

/**
 * Layers go by priority (higher first), then manifest order: Array#sort is stable (ES2019), a
 * TimSort linear on the usual manifest whose experiences share one priority.
 */
export const byPriority = (experiences: readonly Experience[]): Experience[] =>
  [...experiences].sort((a, b) => (b.priority || 0) - (a.priority || 0));

/** Parses `?tailor_force=exp:variant,exp2:v`. */
export function parseForce(query: string | null | undefined): Record<string, string> | null {
  if (!query) return null;
  const out: Record<string, string> = {};
  for (const pair of query.split(',')) {
    const [e, v] = pair.split(':');
    if (e && v) out[e.trim()] = v.trim();
  }
  return out;
}

/** Needs no stable id (docs/consent.md): one variant, no holdout, full traffic. */
export const anonymous = (e: Experience) =>
  e.variants.length === 1 && !e.holdout && (e.traffic ?? 100) >= 100;

/** Outside the experience's `traffic` share (docs/experiences.md#assignment, step 3). */
export const outsideTraffic = (e: Experience, u: string) =>
  bucket(`${e.salt || e.id}.traffic.${u}`) >= (e.traffic ?? 100) / 100;

/** A variant's weight: `weight`, default 1, never below 0. */
const weightOf = (v: Variant) => Math.max(0, v.weight ?? 1);

function pickVariant(e: Experience, u: string, salt: string): string | null {
  const total = e.variants.reduce((sum, v) => sum + weightOf(v), 0);
  if (!(total > 0)) return null;
  const b = bucket(`${salt}.${u}`) * total;
  let sum = 0;
  for (const v of e.variants) {
    sum += weightOf(v);
    if (b < sum) return v.id;
  }
  return null;
}

const variantOf = (e: Experience, id: string) => e.variants.find((v) => v.id === id);
const actionsOf = (e: Experience, variant: string) => variantOf(e, variant)?.actions || [];

export function assignVariants(input: AssignInput): {
  assignments: Assignment[];
  sticky: Record<string, StickyAssignment>;
} {
  const { consentGranted, forced } = input;
  let sticky = input.sticky as Record<string, StickyAssignment>;
  // Copied on the first change, never per change (that is quadratic in the experiences assigned);
  // the caller's object is never written.
  let copied = 0;
  const keep = (e: Experience, v: string, s: string) => {
    if (!copied++) sticky = { ...sticky };
    sticky[e.id] = { v, s };
  };
  const assignments: Assignment[] = [];
  const layersTaken = new Set<string>();
  const ordered = input._ordered || byPriority(input.experiences);
  // The global holdout bucket depends on the unit only: hashed once per unit.
  let lastUnit: string | undefined;
  let lastBucket = 0;
  const holdoutBucket = (u: string) => {
    if (u !== lastUnit) {
      lastUnit = u;
      lastBucket = bucket(`holdout.${u}`);
    }
    return lastBucket;
  };

  // Sticky (docs/experiences.md#assignment): an experience the visitor already holds under its current salt skips the
  // traffic check and keeps its place in its layer, so a traffic or weight change, or another
  // experience of the layer becoming eligible, never moves the visitor. The audience still
  // decides whether it shows: a persona pick (`data-tailor-set`) or a segment change takes
  // effect at once.
  // (A stored `global-holdout` is not a hold: that visitor never passed the traffic check.)
  const held = (e: Experience) =>
    consentGranted && sticky[e.id]?.s === (e.salt || e.id) && sticky[e.id]?.v !== 'global-holdout';
  const claimed = new Map<string, string>();
  for (const e of ordered)
    if (e.layer && !claimed.has(e.layer) && held(e) && !forced?.[e.id] && input.eligible(e))
      claimed.set(e.layer, e.id);

  for (const e of ordered) {
    const forcedVariant = forced?.[e.id];
    // `exp:holdout` forces the experience holdout (QA of what held-out visitors see). Consent
    // rules a forced variant as any other: without it only what needs no stable id runs.
    if (
      forcedVariant &&
      input._live?.(e) !== false &&
      (consentGranted || (anonymous(e) && !input.holdoutPercent)) &&
      (variantOf(e, forcedVariant) || (forcedVariant === 'holdout' && e.holdout))
    ) {
      assignments.push({
        experience: e.id,
        variant: forcedVariant,
        forced: true,
        actions: actionsOf(e, forcedVariant),
      });
      continue;
    }
    if (
      !input.eligible(e) ||
      (e.layer && (layersTaken.has(e.layer) || (claimed.get(e.layer) ?? e.id) !== e.id))
    )
      continue;
    const u = input.unitOf(e);
    if (u === null) continue;
    const salt = e.salt || e.id;
    const kept = sticky[e.id];
    if (!consentGranted) {
      if (!anonymous(e) || input.holdoutPercent > 0) continue;
    } else if (holdoutBucket(u) < input.holdoutPercent / 100) {
      // Kept with the sticky assignments so conversions on other pages carry it (docs/events.md).
      if (e.layer) layersTaken.add(e.layer);
      if (kept?.v !== 'global-holdout') keep(e, 'global-holdout', salt);
      assignments.push({ experience: e.id, variant: 'global-holdout', actions: [] });
      continue;
    }
    if (!held(e) && outsideTraffic(e, u)) continue;
    if (e.layer) layersTaken.add(e.layer);

    let variant: string | null =
      kept && kept.s === salt && (kept.v === 'holdout' || variantOf(e, kept.v)) ? kept.v : null;
    if (variant === null) {
      variant =
        e.holdout && bucket(`${salt}.holdout.${u}`) < e.holdout / 100 ? 'holdout' : pickVariant(e, u, salt);
      if (variant === null) continue;
      if (consentGranted) keep(e, variant, salt);
    }
    assignments.push({
      experience: e.id,
      variant,
      actions: variant === 'holdout' ? [] : actionsOf(e, variant),
    });
  }
  return { assignments, sticky };
}
