/**
 * Affinity (docs/context.md): interest per page category from page views, decayed exponentially
 * (half-life 14 days by default, `affinityHalfLifeDays` in the manifest). The context value of
 * a category is its share of the visitor's total decayed interest (0–1, summing to 1), so
 * `affinity.shoes > 0.5` reads "more than half of recent interest is in shoes".
 */
import { compilePathPattern } from '../manifest/pattern';
import type { Context, Manifest } from '../manifest/types';
import type { Profile } from '../storage/profile';

const DAY = 86_400_000;
const decayed = (s: number, from: number, now: number, halfLife: number) =>
  s * 0.5 ** (Math.max(0, now - from) / (halfLife * DAY));

/** Adds one page view of `category`. */
export function addAffinity(
  aff: Profile['affinity'],
  category: string | null,
  now: number,
  halfLifeDays = 14,
): Profile['affinity'] {
  if (!category) return aff;
  // Own entries only: a category named `constructor` or `__proto__` must start from zero.
  const e = Object.hasOwn(aff, category) ? aff[category] : undefined;
  return { ...aff, [category]: { s: (e ? decayed(e.s, e.t, now, halfLifeDays) : 0) + 1, t: now } };
}

/** Decayed raw score of every category as of `now` (for tests and reports). */
export function affinityScores(
  aff: Profile['affinity'],
  now: number,
  halfLifeDays = 14,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in aff) out[k] = decayed(aff[k]!.s, aff[k]!.t, now, halfLifeDays);
  return out;
}

/**
 * The `affinity.*` part of the context: each category's share of the decayed interest, 0 for
 * the manifest's `categories` not visited yet (docs/context.md: every path exists), and `top`, the
 * category with the highest score, or null while none has a score above 0.
 */
export function affinityContext(
  aff: Profile['affinity'],
  now: number,
  halfLifeDays = 14,
  categories?: Manifest['categories'],
): Context['affinity'] {
  const scores = affinityScores(aff, now, halfLifeDays);
  let total = 0;
  let top: string | null = null;
  for (const k in scores) {
    total += scores[k]!;
    if (scores[k]! > (top === null ? 0 : scores[top]!)) top = k;
  }
  const out: Context['affinity'] = { top };
  for (const k in categories) if (k !== 'top') out[k] = 0;
  for (const k in scores) if (k !== 'top') out[k] = total > 0 ? scores[k]! / total : 0;
  return out;
}

/**
 * The page's category: `<meta name="tailor:category">` (page-specific, so it wins), else the
 * first manifest category whose pattern matches the path.
 */
export function pageCategory(
  categories: Manifest['categories'],
  path: string,
  meta: string | null,
): string | null {
  if (meta) return meta;
  for (const name in categories) if (compilePathPattern(categories[name]!)(path)) return name;
  return null;
}
