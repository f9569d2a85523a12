/**
 * Report statistics (SPEC §12). Pure functions of counts: no database, no clock, no I/O.
 *
 * - conversion rate with a Wilson score 95% interval;
 * - relative uplift of a variant over the baseline with a 95% interval from the delta method on
 *   the log of the rate ratio (Katz log interval): `exp(ln r ± z·√(1/x₁ − 1/n₁ + 1/x₀ − 1/n₀)) − 1`;
 * - two-sided p-value of the pooled two-proportion z-test;
 * - sample-ratio mismatch: Pearson chi-square of the exposed counts against the expected split,
 *   flagged when p < 0.001.
 *
 * The normal CDF and the chi-square survival function are both the regularized incomplete gamma
 * function (erfc(x) = Q(½, x²), χ²ₖ survival = Q(k/2, x/2)), written out below: a series below
 * a + 1 and Lentz's continued fraction above it, so tails stay accurate in relative terms.
 */

/** The 97.5% normal quantile (two-sided 95%). */
export const Z95 = 1.959963984540054;

/** SRM is flagged below this p-value. */
export const SRM_ALPHA = 0.001;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function logGamma(z: number): number {
  if (z === 0.5) return 0.5723649429247001; // ln √π, the case erf uses on every call
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) x += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/** Regularized incomplete gamma: [P(a, x), Q(a, x)], each computed where it is accurate. */
function gammaPQ(a: number, x: number): [number, number] {
  if (!(x > 0)) return [0, 1];
  if (x === Number.POSITIVE_INFINITY) return [1, 0];
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    // P(a, x) = e^-x x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    const p = Math.min(1, sum * front);
    return [p, 1 - p];
  }
  // Q(a, x) = e^-x x^a / Γ(a) · 1/(x+1-a- 1·(1-a)/(x+3-a- 2·(2-a)/(x+5-a- …))), modified Lentz.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.min(1, front * h);
  return [1 - q, q];
}

/** Complementary error function, accurate in the far tail (erfc(x) = Q(½, x²)). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x >= 0 ? gammaPQ(0.5, x * x)[1] : 2 - gammaPQ(0.5, x * x)[1];
}

/** Error function (erf(x) = sign(x)·P(½, x²)). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const p = gammaPQ(0.5, x * x)[0];
  return x < 0 ? -p : p;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Upper-tail probability of a chi-square statistic with `df` degrees of freedom. */
export function chiSquareSurvival(stat: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return gammaPQ(df / 2, stat / 2)[1];
}

/** Wilson score interval of `x` successes in `n` trials; null when n = 0. */
export function wilson(x: number, n: number, z = Z95): [number, number] | null {
  if (!(n > 0)) return null;
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, (centre - half) / denom), Math.min(1, (centre + half) / denom)];
}

/**
 * Two-sided p-value of the pooled two-proportion z-test (x0/n0 against x1/n1). Null when an
 * arm is empty; 1 when the pooled rate is 0 or 1 (both arms identical, the test is degenerate).
 */
export function twoProportionP(x0: number, n0: number, x1: number, n1: number): number | null {
  if (!(n0 > 0 && n1 > 0)) return null;
  const pooled = (x0 + x1) / (n0 + n1);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1));
  if (!(se > 0)) return 1;
  const z = (x1 / n1 - x0 / n0) / se;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/**
 * Relative uplift (x1/n1)/(x0/n0) − 1 with its 95% interval (delta method on ln of the ratio).
 * Uplift is null when the baseline rate is 0; the interval is null when either arm has no
 * conversion (the log ratio is then unbounded).
 */
export function relativeUplift(
  x0: number,
  n0: number,
  x1: number,
  n1: number,
  z = Z95,
): { uplift: number | null; ci: [number, number] | null } {
  if (!(n0 > 0 && n1 > 0 && x0 > 0)) return { uplift: null, ci: null };
  const ratio = x1 / n1 / (x0 / n0);
  if (!(x1 > 0)) return { uplift: ratio - 1, ci: null };
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0);
  const log = Math.log(ratio);
  return { uplift: ratio - 1, ci: [Math.exp(log - z * se) - 1, Math.exp(log + z * se) - 1] };
}

/**
 * Pearson chi-square goodness of fit of `observed` counts against `expected` shares (any
 * positive scale; normalized here). Arms with a zero expected share are left out. Null p when
 * fewer than two arms remain or nothing was observed.
 */
export function sampleRatioTest(observed: number[], expected: number[]): { chi2: number; p: number | null } {
  const arms: [number, number][] = [];
  for (let i = 0; i < observed.length; i++) {
    const w = expected[i] ?? 0;
    if (w > 0) arms.push([observed[i]!, w]);
  }
  const total = arms.reduce((s, [o]) => s + o, 0);
  const weight = arms.reduce((s, [, w]) => s + w, 0);
  if (arms.length < 2 || !(total > 0)) return { chi2: 0, p: null };
  let chi2 = 0;
  for (const [o, w] of arms) {
    const e = (total * w) / weight;
    chi2 += ((o - e) * (o - e)) / e;
  }
  return { chi2, p: chiSquareSurvival(chi2, arms.length - 1) };
}

/* ------------------------------------------------------------------------------------------ */
/* The §12 report from counts                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** Counts of one variant: distinct exposed visitors and converting visitors per goal. */
export interface VariantCounts {
  id: string;
  exposed: number;
  converted: Record<string, number>;
}

export interface ExperienceCounts {
  id: string;
  variants: VariantCounts[];
  /** Goals to report, in order (the first is the primary goal). */
  goals: string[];
  /**
   * Expected split for the SRM check: variant id → weight (any scale). Without it, equal weights
   * across the observed variants other than `holdout` and `global-holdout`.
   */
  weights?: Record<string, number> | null;
}

export interface GroupCounts {
  visitors: number;
  converted: Record<string, number>;
}

export interface ReportInput {
  site: string;
  generated: number;
  experiences: ExperienceCounts[];
  program: { goals: string[]; personalized: GroupCounts; holdout: GroupCounts };
}

export interface GoalStats {
  converted: number;
  rate: number | null;
  ci: [number, number] | null;
  uplift: number | null;
  upliftCi: [number, number] | null;
  p: number | null;
}

export interface VariantReport {
  id: string;
  exposed: number;
  goals: Record<string, GoalStats>;
}

export interface ExperienceReport {
  id: string;
  baseline: string | null;
  srm: { p: number | null; flagged: boolean };
  variants: VariantReport[];
}

export interface GroupReport {
  visitors: number;
  goals: Record<string, { converted: number; rate: number | null }>;
}

/** The JSON of `GET /api/report` and `tailor report --json` (SPEC §12). */
export interface Report {
  site: string;
  generated: number;
  experiences: ExperienceReport[];
  program: { personalized: GroupReport; holdout: GroupReport };
}

export const HOLDOUTS = ['holdout', 'global-holdout'];

/** The baseline variant: `control`, else `holdout`, else `global-holdout`, else none. */
export function baselineOf(variantIds: readonly string[]): string | null {
  for (const id of ['control', ...HOLDOUTS]) if (variantIds.includes(id)) return id;
  return null;
}

/** Stats of one experience: rates, intervals, uplift and p against the baseline, SRM. */
export function experienceReport(e: ExperienceCounts): ExperienceReport {
  const baseline = baselineOf(e.variants.map((v) => v.id));
  const base = e.variants.find((v) => v.id === baseline);
  const variants = e.variants.map((v): VariantReport => {
    const goals: Record<string, GoalStats> = {};
    for (const g of e.goals) {
      const x = v.converted[g] ?? 0;
      const stats: GoalStats = {
        converted: x,
        rate: v.exposed > 0 ? x / v.exposed : null,
        ci: wilson(x, v.exposed),
        uplift: null,
        upliftCi: null,
        p: null,
      };
      if (base && v !== base) {
        const x0 = base.converted[g] ?? 0;
        const u = relativeUplift(x0, base.exposed, x, v.exposed);
        stats.uplift = u.uplift;
        stats.upliftCi = u.ci;
        stats.p = twoProportionP(x0, base.exposed, x, v.exposed);
      }
      goals[g] = stats;
    }
    return { id: v.id, exposed: v.exposed, goals };
  });
  const weights =
    e.weights ?? Object.fromEntries(e.variants.filter((v) => !HOLDOUTS.includes(v.id)).map((v) => [v.id, 1]));
  const { p } = sampleRatioTest(
    e.variants.map((v) => v.exposed),
    e.variants.map((v) => weights[v.id] ?? 0),
  );
  return { id: e.id, baseline, srm: { p, flagged: p !== null && p < SRM_ALPHA }, variants };
}

function groupReport(g: GroupCounts, goals: string[]): GroupReport {
  const out: GroupReport['goals'] = {};
  for (const goal of goals) {
    const x = g.converted[goal] ?? 0;
    out[goal] = { converted: x, rate: g.visitors > 0 ? x / g.visitors : null };
  }
  return { visitors: g.visitors, goals: out };
}

/** The whole §12 report. */
export function buildReport(input: ReportInput): Report {
  return {
    site: input.site,
    generated: input.generated,
    experiences: input.experiences.map(experienceReport),
    program: {
      personalized: groupReport(input.program.personalized, input.program.goals),
      holdout: groupReport(input.program.holdout, input.program.goals),
    },
  };
}
