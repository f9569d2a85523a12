/**
 * Report statistics (docs/report.md). Pure functions of counts: no database, no clock, no I/O.
 *
 * - conversion rate with a Wilson score 95% interval;
 * - relative uplift of a variant over the baseline with a 95% interval from the delta method on
 *   the log of the rate ratio (Katz log interval): `exp(ln r ± z·√(1/x₁ − 1/n₁ + 1/x₀ − 1/n₀)) − 1`;
 * - two-sided p-value of the pooled two-proportion z-test;
 * - sample-ratio mismatch: Pearson chi-square of the exposed counts against the expected split,
 *   flagged when p < 0.001;
 * - value (revenue) per exposed visitor: a visitor's value is the sum of the values of their
 *   counted conversions (0 without one); the mean with a Student t 95% interval, and Welch's
 *   unequal-variance t-test of a variant against the baseline (Welch–Satterthwaite degrees of
 *   freedom), with the relative uplift's interval from the delta method on the log of the ratio
 *   of means;
 * - the sample size a two-proportion test needs for 80% power at α = 0.05 two-sided (Fleiss,
 *   without continuity correction), for the summary line.
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

/**
 * Regularized incomplete beta I_x(a, b): the continued fraction of Numerical Recipes (betacf,
 * modified Lentz), applied on the side of x where it converges fast.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  const cf = (x: number, a: number, b: number) => {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - ((a + b) * x) / (a + 1);
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    let h = d;
    for (let m = 1; m < 100_000; m++) {
      const m2 = 2 * m;
      let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
      aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      const delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-15) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (front * cf(x, a, b)) / a : 1 - (front * cf(1 - x, b, a)) / b;
}

/** Two-sided tail probability P(|T| ≥ |t|) of Student's t with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number | null {
  if (!(df > 0) || Number.isNaN(t)) return null;
  if (!Number.isFinite(t)) return 0;
  // Far past any sample a report sees, t is normal to 15 digits; the fraction would crawl.
  if (df > 1e7) return Math.min(1, erfc(Math.abs(t) / Math.SQRT2));
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** The two-sided 95% quantile of Student's t with `df` degrees of freedom (bisection). */
export function studentQuantile95(df: number): number | null {
  if (!(df > 0)) return null;
  if (df > 1e7) return Z95;
  let lo = Z95;
  let hi = 20;
  while ((studentTwoSidedP(hi, df) ?? 0) > 0.05) hi *= 2; // df < 1: heavy tails
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if ((studentTwoSidedP(mid, df) ?? 0) > 0.05) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean and variance of a sample from its size, sum and sum of squares (variance null for n < 2). */
export function moments(
  n: number,
  sum: number,
  sumSq: number,
): { mean: number | null; variance: number | null } {
  if (!(n > 0)) return { mean: null, variance: null };
  const mean = sum / n;
  // Values near the largest double overflow the sums: no variance rather than NaN.
  if (n < 2 || !Number.isFinite(sum) || !Number.isFinite(sumSq)) return { mean, variance: null };
  // sumSq − sum²/n can come out a hair below 0 in floating point when every value is equal.
  return { mean, variance: Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)) };
}

/** Mean of a sample with its Student t 95% interval (null interval for n < 2). */
export function meanInterval(
  n: number,
  sum: number,
  sumSq: number,
): { mean: number | null; ci: [number, number] | null } {
  const { mean, variance } = moments(n, sum, sumSq);
  if (mean === null || variance === null) return { mean, ci: null };
  const half = studentQuantile95(n - 1)! * Math.sqrt(variance / n);
  return { mean, ci: [mean - half, mean + half] };
}

/** A sample summarized for Welch's test: size, sum, sum of squares. */
export interface Sample {
  n: number;
  sum: number;
  sumSq: number;
}

/**
 * Welch's unequal-variance t-test of sample 1 against sample 0, and the relative difference of
 * their means m1/m0 − 1 with a 95% interval (delta method on ln(m1/m0), Student t quantile at the
 * Welch–Satterthwaite degrees of freedom). p is null when an arm has fewer than 2 visitors, or
 * when both arms have no spread and different means; 1 when neither has spread and the means are
 * equal. Uplift is null when the baseline mean is not positive; the interval is null too when the
 * variant's mean is not positive or there is no spread to measure.
 */
export function welch(
  s0: Sample,
  s1: Sample,
): {
  t: number | null;
  df: number | null;
  p: number | null;
  uplift: number | null;
  ci: [number, number] | null;
} {
  const a = moments(s0.n, s0.sum, s0.sumSq);
  const b = moments(s1.n, s1.sum, s1.sumSq);
  const none = { t: null, df: null, p: null, uplift: null, ci: null };
  if (a.mean === null || b.mean === null || !Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return none;
  const uplift = a.mean > 0 ? b.mean / a.mean - 1 : null;
  if (a.variance === null || b.variance === null) return { ...none, uplift };
  const v0 = a.variance / s0.n;
  const v1 = b.variance / s1.n;
  const se2 = v0 + v1;
  if (!(se2 > 0)) return { ...none, uplift, p: a.mean === b.mean ? 1 : null };
  const t = (b.mean - a.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((v0 * v0) / (s0.n - 1) + (v1 * v1) / (s1.n - 1));
  if (!Number.isFinite(t) || !(df > 0) || !Number.isFinite(df)) return { ...none, uplift };
  const p = studentTwoSidedP(t, df);
  let ci: [number, number] | null = null;
  if (uplift !== null && b.mean > 0) {
    const se = Math.sqrt(v0 / (a.mean * a.mean) + v1 / (b.mean * b.mean));
    const log = Math.log(b.mean / a.mean);
    const q = studentQuantile95(df)!;
    ci = [Math.exp(log - q * se) - 1, Math.exp(log + q * se) - 1];
  }
  return { t, df, p, uplift, ci };
}

/** The one-sided 80% normal quantile (power 80%). */
export const Z80 = 0.8416212335729143;

/**
 * Visitors per arm the two-sided two-proportion z-test at α = 0.05 needs to detect rates p0 and
 * p1 with 80% power (Fleiss, no continuity correction):
 * n = (z₀.₉₇₅·√(2·p̄·q̄) + z₀.₈·√(p₀q₀ + p₁q₁))² / (p₁ − p₀)². Null when the rates are equal.
 */
export function sampleSizePerArm(p0: number, p1: number): number | null {
  if (!(p0 >= 0 && p0 <= 1 && p1 >= 0 && p1 <= 1) || p0 === p1) return null;
  const pBar = (p0 + p1) / 2;
  const root = Z95 * Math.sqrt(2 * pBar * (1 - pBar)) + Z80 * Math.sqrt(p0 * (1 - p0) + p1 * (1 - p1));
  return Math.ceil((root * root) / ((p1 - p0) * (p1 - p0)));
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
/* The report from counts                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** Per-visitor value of one goal in one arm: sum and sum of squares over converting visitors. */
export interface ValueSums {
  sum: number;
  sumSq: number;
}

/** Counts of one variant: distinct exposed visitors and converting visitors per goal. */
export interface VariantCounts {
  id: string;
  exposed: number;
  converted: Record<string, number>;
  /** Goal → per-visitor value sums (visitors without a counted conversion add 0). */
  value?: Record<string, ValueSums>;
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
  /** Goal → per-visitor value sums, as for a variant. */
  value?: Record<string, ValueSums>;
}

export interface ReportInput {
  site: string;
  generated: number;
  experiences: ExperienceCounts[];
  program: { goals: string[]; personalized: GroupCounts; holdout: GroupCounts };
}

/** Value (revenue) of one goal in one arm, against the baseline arm. */
export interface ValueStats {
  /** Total value of the counted conversions. */
  value: number;
  /** Value per exposed visitor (null without visitors). */
  valuePerVisitor: number | null;
  /** Its Student t 95% interval (null under 2 visitors). */
  valueCi: [number, number] | null;
  /** Relative uplift of value per visitor over the baseline (null for the baseline, or a baseline of 0). */
  valueUplift: number | null;
  valueUpliftCi: [number, number] | null;
  /** Two-sided p-value of Welch's t-test against the baseline. */
  valueP: number | null;
}

export interface GoalStats extends ValueStats {
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

/** A program group's goal: the same numbers as a variant's, the holdout being the baseline. */
export type GroupGoalStats = GoalStats;

export interface GroupReport {
  visitors: number;
  goals: Record<string, GroupGoalStats>;
}

/** One line per experience, for whoever has to decide: who leads on the primary goal, and how sure. */
export interface SummaryLine {
  experience: string;
  /** The primary goal (the experience's first goal); null when it has none. */
  goal: string | null;
  baseline: string | null;
  /** The variant with the highest rate on the goal when the difference is significant; else null. */
  leader: string | null;
  /** The variant compared with the baseline: the best of the others on the goal. */
  challenger: string | null;
  /** The challenger's uplift over the baseline, its interval and p-value. */
  uplift: number | null;
  upliftCi: [number, number] | null;
  p: number | null;
  /** p < 0.05. */
  significant: boolean;
  /** Visitors per arm needed to detect the observed difference (80% power, α = 0.05 two-sided). */
  neededPerVariant: number | null;
  /** Visitors still missing for that (summed over the two arms); null when not computable. */
  visitorsNeeded: number | null;
  /** The sentence. */
  text: string;
}

/** The JSON of `GET /api/report` and `tailor report --json` (docs/report.md). */
export interface Report {
  site: string;
  generated: number;
  experiences: ExperienceReport[];
  program: { personalized: GroupReport; holdout: GroupReport };
  /** One line per experience, in the order of `experiences`. */
  summary: SummaryLine[];
}

export const HOLDOUTS = ['holdout', 'global-holdout'];

/** Significance level of the summary lines. */
export const ALPHA = 0.05;

/** The baseline variant: `control`, else `holdout`, else `global-holdout`, else none. */
export function baselineOf(variantIds: readonly string[]): string | null {
  for (const id of ['control', ...HOLDOUTS]) if (variantIds.includes(id)) return id;
  return null;
}

/** An arm as the goal statistics need it. */
interface Arm {
  n: number;
  converted: Record<string, number>;
  value?: Record<string, ValueSums>;
}

const sample = (arm: Arm, goal: string): Sample => ({
  n: arm.n,
  sum: arm.value?.[goal]?.sum ?? 0,
  sumSq: arm.value?.[goal]?.sumSq ?? 0,
});

/** Rate, value and (against `base`, unless this is the base) uplift statistics of one goal. */
function goalStats(arm: Arm, base: Arm | null, goal: string): GoalStats {
  const x = arm.converted[goal] ?? 0;
  const own = sample(arm, goal);
  const mean = meanInterval(own.n, own.sum, own.sumSq);
  const stats: GoalStats = {
    converted: x,
    rate: arm.n > 0 ? x / arm.n : null,
    ci: wilson(x, arm.n),
    uplift: null,
    upliftCi: null,
    p: null,
    value: own.sum,
    valuePerVisitor: mean.mean,
    valueCi: mean.ci,
    valueUplift: null,
    valueUpliftCi: null,
    valueP: null,
  };
  if (base && base !== arm) {
    const x0 = base.converted[goal] ?? 0;
    const u = relativeUplift(x0, base.n, x, arm.n);
    stats.uplift = u.uplift;
    stats.upliftCi = u.ci;
    stats.p = twoProportionP(x0, base.n, x, arm.n);
    const w = welch(sample(base, goal), own);
    stats.valueUplift = w.uplift;
    stats.valueUpliftCi = w.ci;
    stats.valueP = w.p;
  }
  return stats;
}

/** Stats of one experience: rates, intervals, uplift and p against the baseline, SRM. */
export function experienceReport(e: ExperienceCounts): ExperienceReport {
  const baseline = baselineOf(e.variants.map((v) => v.id));
  const arm = (v: VariantCounts): Arm => ({ n: v.exposed, converted: v.converted, value: v.value });
  const baseCounts = e.variants.find((v) => v.id === baseline);
  const base = baseCounts ? arm(baseCounts) : null;
  const variants = e.variants.map((v): VariantReport => {
    const own = v === baseCounts ? base! : arm(v);
    const goals: Record<string, GoalStats> = {};
    for (const g of e.goals) goals[g] = goalStats(own, base, g);
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

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const pText = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`);

/**
 * The summary line of an experience, on its primary goal (its first goal):
 * - sample ratio mismatch: say so first, the numbers are not to be trusted;
 * - no baseline, no goal, no other variant or no exposure: say what is missing;
 * - otherwise the challenger is the non-holdout variant with the highest rate (ties: the first);
 *   when its difference with the baseline is significant (p < 0.05) the better of the two leads;
 * - otherwise "not enough data yet", with the visitors still needed for the observed difference
 *   at 80% power (two-proportion sample size, α = 0.05 two-sided).
 */
export function summaryLine(e: ExperienceReport): SummaryLine {
  const goal = Object.keys(e.variants[0]?.goals ?? {})[0] ?? null;
  const line: SummaryLine = {
    experience: e.id,
    goal,
    baseline: e.baseline,
    leader: null,
    challenger: null,
    uplift: null,
    upliftCi: null,
    p: null,
    significant: false,
    neededPerVariant: null,
    visitorsNeeded: null,
    text: '',
  };
  const say = (text: string) => {
    line.text = `${e.id}: ${text}`;
    return line;
  };
  const base = e.variants.find((v) => v.id === e.baseline);
  const others = e.variants.filter((v) => v.id !== e.baseline && !HOLDOUTS.includes(v.id));
  if (!base) return say('no control or holdout to compare with, so no variant can be said to lead.');
  if (!goal) return say('no goal to compare the variants on; list goals for this experience.');
  if (!others.length) return say(`only ${base.id} was shown; there is nothing to compare it with.`);
  const rateOf = (v: VariantReport) => v.goals[goal]?.rate ?? -1;
  const best = others.reduce((a, b) => (rateOf(b) > rateOf(a) ? b : a));
  const s = best.goals[goal]!;
  const s0 = base.goals[goal]!;
  line.challenger = best.id;
  line.uplift = s.uplift;
  line.upliftCi = s.upliftCi;
  line.p = s.p;
  const mismatch = e.srm.flagged
    ? `sample ratio mismatch (${pText(e.srm.p!)}): visitors are not split as configured, so fix the cause before trusting these results. `
    : '';
  if (base.exposed === 0 || best.exposed === 0)
    return say(
      `${mismatch}not enough data yet: ${base.exposed === 0 ? base.id : best.id} has no exposed visitors.`,
    );
  if (s.converted + s0.converted === 0)
    return say(`${mismatch}not enough data yet: no ${goal} conversion in ${base.id} or ${best.id}.`);
  const diff =
    s.uplift !== null
      ? `${best.id} is ${percent(s.uplift)} vs ${base.id}${s.upliftCi ? ` (95% interval ${percent(s.upliftCi[0])} to ${percent(s.upliftCi[1])})` : ''}`
      : `${best.id} converts at ${((s.rate ?? 0) * 100).toFixed(2)}% and ${base.id} at 0%`;
  if (s.p !== null && s.p < ALPHA) {
    line.significant = true;
    line.leader = (s.rate ?? 0) >= (s0.rate ?? 0) ? best.id : base.id;
    return say(
      `${mismatch}${line.leader} leads on ${goal}: ${diff}, ${pText(s.p)}, significant at 95% confidence.`,
    );
  }
  const needed = sampleSizePerArm(s0.rate ?? 0, s.rate ?? 0);
  line.neededPerVariant = needed;
  if (needed === null)
    return say(
      `${mismatch}not enough data yet on ${goal}: ${best.id} and ${base.id} convert at the same rate so far.`,
    );
  line.visitorsNeeded = Math.max(0, needed - base.exposed) + Math.max(0, needed - best.exposed);
  const more =
    line.visitorsNeeded > 0
      ? `about ${count(line.visitorsNeeded)} more visitors needed to tell (${count(needed)} per variant for 80% power at this difference)`
      : 'both arms are past the size that would detect this difference at 80% power, so it is most likely smaller than it looks';
  return say(
    `${mismatch}not enough data yet on ${goal}: ${diff}, ${s.p === null ? 'no p-value' : pText(s.p)}; ${more}.`,
  );
}

/** The whole report (docs/report.md). */
export function buildReport(input: ReportInput): Report {
  const goals = input.program.goals;
  const holdout: Arm = { ...input.program.holdout, n: input.program.holdout.visitors };
  const personalized: Arm = { ...input.program.personalized, n: input.program.personalized.visitors };
  const group = (arm: Arm, base: Arm): GroupReport => ({
    visitors: arm.n,
    goals: Object.fromEntries(goals.map((g) => [g, goalStats(arm, base, g)])),
  });
  const experiences = input.experiences.map(experienceReport);
  return {
    site: input.site,
    generated: input.generated,
    experiences,
    program: { personalized: group(personalized, holdout), holdout: group(holdout, holdout) },
    summary: experiences.map(summaryLine),
  };
}
