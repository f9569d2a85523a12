// Report statistics (src/server/stats.ts) against reference values computed independently of
// the code; the source of each is given next to it.
import { describe, expect, it } from 'vitest';
import {
  baselineOf,
  buildReport,
  chiSquareSurvival,
  erf,
  erfc,
  experienceReport,
  logGamma,
  normalCdf,
  relativeUplift,
  sampleRatioTest,
  twoProportionP,
  wilson,
} from '../../../src/server/stats';

/** |actual − expected| ≤ rel·|expected| (tails are checked in relative terms). */
const near = (actual: number, expected: number, rel = 1e-9) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe('special functions', () => {
  // Abramowitz & Stegun, table 7.1 (erf) and table 26.1 (normal CDF); the far tails from
  // the asymptotic series erfc(x) ≈ e^{-x²}/(x√π)·(1 − 1/(2x²) + 3/(4x⁴) − …), Wolfram values.
  it.each([
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [-1, -0.8427007929497149],
  ])('erf(%d)', (x, v) => near(erf(x), v, 1e-13));

  it.each([
    [3, 2.209049699858544e-5],
    [5, 1.5374597944280349e-12],
    [10, 2.088487583762545e-45],
  ])('erfc(%d), relative accuracy in the tail', (x, v) => near(erfc(x), v, 1e-11));

  it.each([
    [0, 0.5],
    [1.96, 0.9750021048517795], // the 97.5% point of every two-sided 95% test
    [1.6448536269514722, 0.95],
    [-3, 0.0013498980316301], // A&S 26.1: Q(3) = 0.00134990
    [-6, 9.865876450376946e-10],
  ])('Φ(%d)', (z, v) => near(normalCdf(z), v, 1e-10));

  it('ln Γ at known points', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14); // ln Γ(1) = 0
    near(logGamma(5), Math.log(24), 1e-14); // Γ(5) = 4!
    near(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
    near(logGamma(10.5), Math.log(1133278.3889487856), 1e-13); // Γ(10.5) = (19!!/2^10)√π
  });

  // Critical values from chi-square tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4): the
  // survival function at the tabulated point equals the column's α.
  it.each([
    [3.841458820694124, 1, 0.05],
    [6.634896601021214, 1, 0.01],
    [10.827566170662733, 1, 0.001],
    [5.991464547107979, 2, 0.05],
    [13.815510557964274, 2, 0.001],
    [7.814727903251178, 3, 0.05],
    [16.26623619623813, 3, 0.001],
    [18.307038053275146, 10, 0.05],
    [29.588298445074418, 10, 0.001],
  ])('χ² survival at the table value %d (df %d) is %d', (x, df, alpha) =>
    near(chiSquareSurvival(x, df), alpha, 1e-9),
  );

  it('χ² with 2 df is exp(-x/2) exactly, and df 1 is 2·(1 − Φ(√x))', () => {
    for (const x of [0.1, 1, 5, 20, 80]) near(chiSquareSurvival(x, 2), Math.exp(-x / 2), 1e-12);
    for (const x of [0.01, 0.5, 4, 30]) near(chiSquareSurvival(x, 1), 2 * normalCdf(-Math.sqrt(x)), 1e-10);
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });
});

describe('Wilson interval', () => {
  it('matches the documented example 251/5012 ≈ [0.0444, 0.0564]', () => {
    // By hand: p = 0.0500798, z² = 3.841459, n = 5012:
    //   centre = (p + z²/2n)/(1 + z²/n) = 0.0504630/1.0007665 = 0.0504244
    //   half   = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n) = 1.959964·0.00308706/1.0007665 = 0.0060459
    //   → [0.0443785, 0.0564703]. The report example in docs/collector.md prints 0.0564 for the upper bound (0.05647 rounds to 0.0565).
    const [lo, hi] = wilson(251, 5012)!;
    expect(lo).toBeCloseTo(0.0443785, 6);
    expect(hi).toBeCloseTo(0.0564703, 6);
    expect(lo).toBeCloseTo(0.0444, 3);
    expect(hi).toBeCloseTo(0.0564, 3);
  });

  it('matches Newcombe (1998), Statistics in Medicine 17:857, table I', () => {
    // Method 3 (Wilson score, no continuity correction): 81/263 → 0.2553–0.3662; 15/148 →
    // 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const ci = wilson(x, n)!;
      expect(ci[0]).toBeCloseTo(lo, 4);
      expect(ci[1]).toBeCloseTo(hi, 4);
    }
  });

  it('is null without trials', () => {
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('two-proportion test and uplift', () => {
  it('gives the documented example p = 0.031 for 251/5012 vs 299/4990', () => {
    // Pooled p̂ = 550/10002 = 0.0549890; SE = √(p̂(1−p̂)(1/5012 + 1/4990)) = 0.00455447;
    // z = (0.0599198 − 0.0500798)/SE = 2.16052; two-sided p = 2(1 − Φ(2.16052)) = 0.030733… ≈ 0.031.
    const p = twoProportionP(251, 5012, 299, 4990)!;
    expect(p).toBeCloseTo(0.0309, 3);
    near(
      p,
      2 *
        normalCdf(
          -(299 / 4990 - 251 / 5012) / Math.sqrt((550 / 10002) * (1 - 550 / 10002) * (1 / 5012 + 1 / 4990)),
        ),
      1e-12,
    );
  });

  it('textbook example: Agresti, Categorical Data Analysis (aspirin and heart attacks), X² = 25.01', () => {
    // Physicians' Health Study: MI 189/11034 (placebo) vs 104/11037 (aspirin). Agresti reports
    // Pearson X² = 25.01 (df 1); the pooled z-test is the same test (z² = X²), so
    // p = P(χ²₁ > 25.01) ≈ 5.7e-7. X² by the 2×2 shortcut n(ad − bc)²/(r₁r₂c₁c₂):
    const [a, b, c, d] = [189, 11034 - 189, 104, 11037 - 104];
    const n = a + b + c + d;
    const x2 = (n * (a * d - b * c) ** 2) / ((a + b) * (c + d) * (a + c) * (b + d));
    expect(x2).toBeCloseTo(25.01, 2);
    const p = twoProportionP(104, 11037, 189, 11034)!;
    near(p, chiSquareSurvival(x2, 1), 1e-9);
    expect(p).toBeGreaterThan(5.6e-7);
    expect(p).toBeLessThan(5.8e-7);
  });

  it('is 1 when both arms are identical and null when an arm is empty', () => {
    expect(twoProportionP(0, 100, 0, 100)).toBe(1);
    expect(twoProportionP(10, 100, 10, 100)).toBeCloseTo(1, 12);
    expect(twoProportionP(1, 0, 1, 10)).toBeNull();
  });

  it('relative uplift with the log-ratio (Katz) interval', () => {
    // 251/5012 vs 299/4990: r = 0.0599198/0.0500798 = 1.196487; SE(ln r) = √(1/299 − 1/4990 +
    // 1/251 − 1/5012) = 0.0832496; exp(0.179392 ± 1.959964·0.0832496) − 1 = [0.01638, 0.40851].
    // (The documented example interval [0.011, 0.381] is illustrative; docs/collector.md gives the method.)
    const { uplift, ci } = relativeUplift(251, 5012, 299, 4990);
    expect(uplift).toBeCloseTo(0.196487, 5);
    expect(ci![0]).toBeCloseTo(0.01638, 4);
    expect(ci![1]).toBeCloseTo(0.40851, 4);
    // Katz et al. (1978) worked form on Agresti's aspirin data: RR = 0.0171/0.00942 = 1.818,
    // 95% CI for RR about (1.433, 2.306).
    const rr = relativeUplift(104, 11037, 189, 11034);
    expect(rr.ci![0] + 1).toBeCloseTo(1.433, 2);
    expect(rr.ci![1] + 1).toBeCloseTo(2.306, 2);
  });

  it('has no uplift over a zero baseline and no interval for a zero arm', () => {
    expect(relativeUplift(0, 100, 5, 100)).toEqual({ uplift: null, ci: null });
    expect(relativeUplift(5, 100, 0, 100)).toEqual({ uplift: -1, ci: null });
  });
});

describe('sample ratio mismatch', () => {
  it('matches a hand computation', () => {
    // 5012 vs 4990 against 50/50: e = 5001; χ² = (11² + 11²)/5001 = 0.0483903; df 1 →
    // p = 2(1 − Φ(0.219978)) = 0.825892.
    const r = sampleRatioTest([5012, 4990], [50, 50]);
    near(r.chi2, 242 / 5001, 1e-12);
    expect(r.p).toBeCloseTo(0.825892, 5);
  });

  it('honours unequal weights and leaves zero-weight arms out', () => {
    // 900/100 against 9:1 is a perfect fit.
    expect(sampleRatioTest([900, 100], [9, 1]).p).toBeCloseTo(1, 12);
    expect(sampleRatioTest([900, 100, 7], [9, 1, 0]).p).toBeCloseTo(1, 12);
    expect(sampleRatioTest([10], [1]).p).toBeNull();
    expect(sampleRatioTest([0, 0], [1, 1]).p).toBeNull();
  });

  it('flags p < 0.001 in the report (10% of one arm lost)', () => {
    const e = experienceReport({
      id: 'x',
      goals: [],
      variants: [
        { id: 'control', exposed: 25000, converted: {} },
        { id: 'b', exposed: 22500, converted: {} },
      ],
    });
    expect(e.srm.flagged).toBe(true);
    expect(e.srm.p!).toBeLessThan(1e-20);
  });
});

describe('the report (docs/collector.md)', () => {
  it('reproduces the documented example numbers and shape', () => {
    const r = buildReport({
      site: 'demo-shop',
      generated: 1763900000000,
      experiences: [
        {
          id: 'hero-test',
          goals: ['purchase'],
          weights: { control: 50, b: 50 },
          variants: [
            { id: 'control', exposed: 5012, converted: { purchase: 251 } },
            { id: 'b', exposed: 4990, converted: { purchase: 299 } },
          ],
        },
      ],
      program: {
        goals: ['purchase'],
        personalized: { visitors: 9500, converted: { purchase: 520 } },
        holdout: { visitors: 500, converted: { purchase: 22 } },
      },
    });
    const [control, b] = r.experiences[0]!.variants;
    expect(r.experiences[0]!.baseline).toBe('control');
    expect(r.experiences[0]!.srm.flagged).toBe(false);
    expect(control!.goals.purchase).toMatchObject({ converted: 251, uplift: null, upliftCi: null, p: null });
    expect(control!.goals.purchase!.rate).toBeCloseTo(0.0501, 4);
    expect(b!.goals.purchase!.rate).toBeCloseTo(0.0599, 4);
    expect(b!.goals.purchase!.ci![0]).toBeCloseTo(0.0537, 4); // the documented example prints 0.0536 (0.053667)
    expect(b!.goals.purchase!.ci![1]).toBeCloseTo(0.0668, 3);
    expect(b!.goals.purchase!.uplift).toBeCloseTo(0.196, 3);
    expect(b!.goals.purchase!.p).toBeCloseTo(0.031, 3);
    expect(r.program).toMatchObject({
      personalized: { visitors: 9500, goals: { purchase: { converted: 520, rate: 520 / 9500 } } },
      holdout: { visitors: 500, goals: { purchase: { converted: 22, rate: 0.044 } } },
    });
  });

  it('picks the baseline: control, else holdout, else global-holdout', () => {
    expect(baselineOf(['b', 'control', 'holdout'])).toBe('control');
    expect(baselineOf(['banner', 'holdout', 'global-holdout'])).toBe('holdout');
    expect(baselineOf(['banner', 'global-holdout'])).toBe('global-holdout');
    expect(baselineOf(['a', 'b'])).toBeNull();
  });

  it('without weights, checks equal shares across the non-holdout arms only', () => {
    const e = experienceReport({
      id: 'x',
      goals: ['g'],
      variants: [
        { id: 'control', exposed: 1000, converted: { g: 10 } },
        { id: 'b', exposed: 1000, converted: { g: 20 } },
        { id: 'global-holdout', exposed: 50, converted: {} },
      ],
    });
    expect(e.srm.p).toBeCloseTo(1, 12);
    expect(e.variants[2]!.goals.g).toMatchObject({ converted: 0, rate: 0 });
  });
});
