/**
 * The decision core of one manifest: status, pages, schedule, audience and assignment for each
 * experience, in priority order (a published manifest lists them so; another is sorted once per
 * instance). Conditions are read from their JSON (rules/read.ts); segments are evaluated when an
 * audience first reads them (rules/segments.ts). Pure: no DOM, storage or clock.
 */

import { AUDIENCE, anonymous, assignVariants, byPriority, PAGES, SCHEDULE, STATUS } from './assign/assign';
import { inSchedule, pathMatches } from './assign/eligibility';
import { F_CONDITIONS, F_PAGES, F_SCHEDULE, F_SEGMENTS } from './features';
import type { Context, Experience, Manifest } from './manifest/types';
import { stampOf } from './reads';
import { getPath } from './rules/path';
import { checkCondition, holds } from './rules/read';
import { compileSegments, type Segments } from './rules/segments';
import type { StickyAssignment } from './storage/profile';

export interface DecideOptions {
  /** `?tailor_preview=1`: drafts run. */
  _preview: boolean;
  _sticky: Readonly<Record<string, StickyAssignment>>;
  _forced: Record<string, string> | null;
  _consentGranted: boolean;
  _now: number;
}

export interface Engine {
  /** The segments of the context: each evaluated when first read (rules/segments.ts). */
  _segments(c: Context): Segments;
  /** Assignments for the context, given its segments. */
  _assign(c: Context, segments: Segments, o: DecideOptions): ReturnType<typeof assignVariants>;
}

/** Problems found in an unpublished manifest's conditions are reported once, now, through `report`. */
export function createEngine(manifest: Manifest, report: (message: string, path: string) => void): Engine {
  const experiences = manifest.experiences || [];
  // A published manifest has no problem (tailor build refuses any).
  const published = stampOf(manifest);
  const segmentsOf = F_SEGMENTS
    ? compileSegments(manifest.segments, (m) => report(m, 'segments'), published)
    : () => ({ has: () => false, all: () => [] });
  // An unpublished manifest's conditions are checked now: one with a problem is reported and
  // reads false. A published one's are not checked again (a problem met evaluating reads false).
  const broken = new Set<Experience>();
  if (F_CONDITIONS && !published)
    for (const e of experiences)
      if (e.audience && !checkCondition(e.audience, (m) => report(m, `experience ${e.id}`))) broken.add(e);
  // A published manifest lists its experiences in decision order (tailor build writes it so).
  const ordered = published ? experiences : byPriority(experiences);
  const onPage = (e: Experience, path: string) => !F_PAGES || !e.pages || pathMatches(e.pages, path);
  return {
    _segments: segmentsOf,
    _assign(c, segs, o) {
      const date = new Date(o._now);
      const path = c.page.path;
      return assignVariants({
        experiences: ordered,
        _holdoutPercent: manifest.holdout?.percent || 0,
        _unitOf: (e) => {
          const unit = e.unit || 'visitor.id';
          // One variant, full traffic, no holdout: the visitor id (there is always one) changes
          // nothing, and the visitor cookie is not read for it. Another unit can be empty, which
          // keeps the visitor out.
          if (unit === 'visitor.id' && anonymous(e) && !manifest.holdout?.percent) return '-';
          const u = getPath(c, unit);
          return u === null || u === undefined || u === '' ? null : String(u);
        },
        _excluded: (e) =>
          (e.status === 'draft' ? !o._preview : e.status === 'paused')
            ? STATUS
            : !onPage(e, path)
              ? PAGES
              : F_SCHEDULE && !inSchedule(e.schedule, date)
                ? SCHEDULE
                : F_CONDITIONS && e.audience && (broken.has(e) || !holds(e.audience, c, segs))
                  ? AUDIENCE
                  : 0,
        sticky: o._sticky,
        _forced: o._forced,
        _consentGranted: o._consentGranted,
      });
    },
  };
}
