/**
 * Variant assignment (docs/experiences.md#assignment): global holdout, traffic, experience holdout, weighted
 * variants, layers, sticky assignments, forced variants, and the consent rule of docs/consent.md. Pure: no
 * DOM, storage or clock.
 */
import { F_HOLDOUTS, F_LAYERS } from '../features';
import type { Action, Experience, Variant } from '../manifest/types';
import type { StickyAssignment } from '../storage/profile';
import { bucket } from './bucket';

// Why an experience is left out of a decision: recorded by the one pass that decides
// (`assignVariants`), named by the debug view (assign/explain.ts). Eligibility first, then the
// assignment steps, in the order they are taken.
export const STATUS = 1;
export const PAGES = 2;
export const SCHEDULE = 3;
export const AUDIENCE = 4;
export const UNIT = 5;
export const CONSENT = 6;
export const TRAFFIC = 7;
export const NO_VARIANT = 8;

/**
 * Why an experience the visitor is not in was left out: a code above, or, when another
 * experience of its layer was taken first, that experience's id.
 */
export type OutReason = number | string;

/** One experience the visitor is in, with the actions to render (none for holdouts). */
export interface Assignment {
  experience: string;
  variant: string;
  forced?: true;
  actions: Action[];
}

export interface AssignInput {
  /**
   * The experiences in decision order: priority, then manifest order (`byPriority`; a published
   * manifest lists them so).
   */
  experiences: readonly Experience[];
  /** `manifest.holdout.percent`. */
  _holdoutPercent: number;
  /** The unit id of an experience (from its `unit` path), null when unknown. */
  _unitOf(experience: Experience): string | null;
  /**
   * Status, pages, schedule and audience, evaluated by the caller: 0 when the experience is
   * eligible, else the reason it is not (`STATUS`, `PAGES`, `SCHEDULE` or `AUDIENCE`).
   */
  _excluded(experience: Experience): number;
  sticky: Readonly<Record<string, StickyAssignment>>;
  _forced: Record<string, string> | null;
  _consentGranted: boolean;
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
  /** Why each experience left out was left out, by experience id. */
  _why: Map<string, OutReason>;
} {
  const { _consentGranted: consentGranted, _forced: forced } = input;
  let sticky = input.sticky as Record<string, StickyAssignment>;
  // Copied on the first change, never per change (that is quadratic in the experiences assigned);
  // the caller's object is never written.
  let copied = 0;
  const keep = (e: Experience, v: string, s: string) => {
    if (!copied++) sticky = { ...sticky };
    sticky[e.id] = { v, s };
  };
  const assignments: Assignment[] = [];
  const why = new Map<string, OutReason>();
  // Each layer taken, and by which experience.
  const layersTaken = new Map<string, string>();
  const ordered = input.experiences;
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
  // (A site tag built for a manifest without layers or holdouts leaves their code out.)
  if (F_LAYERS)
    for (const e of ordered)
      if (e.layer && !claimed.has(e.layer) && held(e) && !forced?.[e.id] && !input._excluded(e))
        claimed.set(e.layer, e.id);

  // One experience: its assignment, or why it is left out.
  const decide = (e: Experience): Assignment | OutReason => {
    const forcedVariant = forced?.[e.id];
    const excluded = input._excluded(e);
    // `exp:holdout` forces the experience holdout (QA of what held-out visitors see). A forced
    // variant skips audience, schedule, traffic and holdouts, never a pause or the page list.
    // Consent rules it as any other: without it only what needs no stable id runs.
    if (
      forcedVariant &&
      (!excluded || excluded > PAGES) &&
      (consentGranted || (anonymous(e) && !input._holdoutPercent)) &&
      (variantOf(e, forcedVariant) || (forcedVariant === 'holdout' && e.holdout))
    )
      return {
        experience: e.id,
        variant: forcedVariant,
        forced: true,
        actions: actionsOf(e, forcedVariant),
      };
    if (excluded) return excluded;
    const owner = F_LAYERS && e.layer && (layersTaken.get(e.layer) || claimed.get(e.layer));
    if (owner && owner !== e.id) return owner;
    const u = input._unitOf(e);
    if (u === null) return UNIT;
    const salt = e.salt || e.id;
    const kept = sticky[e.id];
    if (!consentGranted) {
      if (!anonymous(e) || input._holdoutPercent > 0) return CONSENT;
    } else if (F_HOLDOUTS && holdoutBucket(u) < input._holdoutPercent / 100) {
      // Kept with the sticky assignments so conversions on other pages carry it (docs/events.md).
      if (F_LAYERS && e.layer) layersTaken.set(e.layer, e.id);
      if (kept?.v !== 'global-holdout') keep(e, 'global-holdout', salt);
      return { experience: e.id, variant: 'global-holdout', actions: [] };
    }
    if (!held(e) && outsideTraffic(e, u)) return TRAFFIC;
    if (F_LAYERS && e.layer) layersTaken.set(e.layer, e.id);

    let variant: string | null =
      kept && kept.s === salt && (kept.v === 'holdout' || variantOf(e, kept.v)) ? kept.v : null;
    if (variant === null) {
      variant =
        F_HOLDOUTS && e.holdout && bucket(`${salt}.holdout.${u}`) < e.holdout / 100
          ? 'holdout'
          : pickVariant(e, u, salt);
      if (variant === null) return NO_VARIANT;
      if (consentGranted) keep(e, variant, salt);
    }
    return {
      experience: e.id,
      variant,
      actions: variant === 'holdout' ? [] : actionsOf(e, variant),
    };
  };
  for (const e of ordered) {
    const r = decide(e);
    if (typeof r === 'object') assignments.push(r);
    else why.set(e.id, r);
  }
  return { assignments, sticky, _why: why };
}
