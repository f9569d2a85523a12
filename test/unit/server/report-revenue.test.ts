// Revenue in the report: value per exposed visitor, its interval, its uplift over the baseline and
// Welch's t-test, checked against a straightforward computation of its own over simulated traffic
// sent to a real `tailor serve` (real HTTP, a real SQLite file). The reference works on the list
// of per-visitor values (zeros included) with two-pass moments, and gets Student's t tail from a
// numerical integral of the density, sharing nothing with src/server/stats.ts.
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';
import {
  meanInterval,
  normalCdf,
  studentQuantile95,
  studentTwoSidedP,
  welch,
  Z95,
} from '../../../src/server/stats';
import { raw, serveInProcess } from './serve-process';

/* ------------------------------------------------------------------------------------------ */
/* The reference                                                                              */
/* ------------------------------------------------------------------------------------------ */

/** ln Γ(z) by Stirling's series after shifting z past 10 (not the Lanczos form the code uses). */
function lnGamma(z: number): number {
  let shift = 0;
  while (z < 10) {
    shift -= Math.log(z);
    z += 1;
  }
  const z2 = z * z;
  return (
    shift +
    (z - 0.5) * Math.log(z) -
    z +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * z) -
    1 / (360 * z * z2) +
    1 / (1260 * z * z2 * z2) -
    1 / (1680 * z * z2 * z2 * z2)
  );
}

/** P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: 1 − 2∫₀^|t| f by Simpson's rule. */
function refTwoSided(t: number, df: number): number {
  const c = Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2)) / Math.sqrt(df * Math.PI);
  const f = (x: number) => c * (1 + (x * x) / df) ** (-(df + 1) / 2);
  const a = Math.abs(t);
  const steps = 20_000;
  const h = a / steps;
  let s = f(0) + f(a);
  for (let i = 1; i < steps; i++) s += f(i * h) * (i % 2 ? 4 : 2);
  return Math.max(0, 1 - (2 * s * h) / 3);
}

/** The t with P(|T| ≥ t) = 0.05, by bisection on the integral above. */
function refQuantile(df: number): number {
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (refTwoSided(mid, df) > 0.05) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function stats(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance, total: xs.reduce((a, b) => a + b, 0) };
}

/** Welch's test of `b` against `a`, and m_b/m_a − 1 with the log-ratio interval. */
function refWelch(a: number[], b: number[]) {
  const A = stats(a);
  const B = stats(b);
  const va = A.variance / A.n;
  const vb = B.variance / B.n;
  const t = (B.mean - A.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (A.n - 1) + vb ** 2 / (B.n - 1));
  const se = Math.sqrt(va / A.mean ** 2 + vb / B.mean ** 2);
  const q = refQuantile(df);
  const ratio = B.mean / A.mean;
  return {
    t,
    df,
    p: refTwoSided(t, df),
    uplift: ratio - 1,
    ci: [Math.exp(Math.log(ratio) - q * se) - 1, Math.exp(Math.log(ratio) + q * se) - 1] as const,
  };
}

function refMean(xs: number[]) {
  const s = stats(xs);
  const half = refQuantile(s.n - 1) * Math.sqrt(s.variance / s.n);
  return { total: s.total, mean: s.mean, ci: [s.mean - half, s.mean + half] as const };
}

const close = (actual: number | null | undefined, expected: number, tol = 1e-9) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
};

/* ------------------------------------------------------------------------------------------ */
/* Published values first                                                                     */
/* ------------------------------------------------------------------------------------------ */

describe("Welch's t-test and Student's t", () => {
  it("matches R's t.test on the sleep data (Student 1908): t = -1.8608, df = 17.776, p = 0.07939", () => {
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const sample = (xs: number[]) => ({
      n: xs.length,
      sum: xs.reduce((a, b) => a + b, 0),
      sumSq: xs.reduce((a, b) => a + b * b, 0),
    });
    const w = welch(sample(g2), sample(g1));
    expect(w.t).toBeCloseTo(-1.8608, 4);
    expect(w.df).toBeCloseTo(17.776, 3);
    expect(w.p).toBeCloseTo(0.07939, 5);
    expect(w.uplift).toBeCloseTo(0.75 / 2.33 - 1, 12); // means 0.75 and 2.33
  });

  it('has the textbook 97.5% quantiles (t tables): 12.706 (1 df), 2.262 (9), 2.042 (30), 1.960 (∞)', () => {
    expect(studentQuantile95(1)).toBeCloseTo(12.7062, 4);
    expect(studentQuantile95(9)).toBeCloseTo(2.26216, 5);
    expect(studentQuantile95(30)).toBeCloseTo(2.04227, 5);
    expect(studentQuantile95(1e9)).toBeCloseTo(1.95996, 5);
    for (const df of [1, 2.5, 9, 30, 500, 40_000])
      close(studentTwoSidedP(studentQuantile95(df)!, df), 0.05, 1e-9);
  });

  it('agrees with the numerical integral of the density over t and df', () => {
    for (const df of [1.5, 4, 17.776, 120, 3000])
      for (const t of [0.1, 1, 2, 3.5]) close(studentTwoSidedP(t, df), refTwoSided(t, df), 1e-8);
  });

  it('leaves out what cannot be computed: under 2 visitors, a baseline worth 0, no spread', () => {
    expect(meanInterval(1, 10, 100)).toEqual({ mean: 10, ci: null });
    expect(welch({ n: 1, sum: 5, sumSq: 25 }, { n: 10, sum: 50, sumSq: 300 }).p).toBeNull();
    const zeroBase = welch({ n: 10, sum: 0, sumSq: 0 }, { n: 10, sum: 50, sumSq: 300 });
    expect(zeroBase.uplift).toBeNull();
    expect(zeroBase.ci).toBeNull();
    expect(zeroBase.p).not.toBeNull();
    expect(welch({ n: 10, sum: 0, sumSq: 0 }, { n: 12, sum: 0, sumSq: 0 }).p).toBe(1);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Simulated traffic through the collector                                                    */
/* ------------------------------------------------------------------------------------------ */

/** mulberry32: a seeded PRNG for the simulation. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_763_900_000_000;
const SITE = 'revenue-shop';
let seq = 0;
const id = () => `rev-${String(++seq).padStart(16, '0')}`;

interface Exposure {
  id: string;
  type: 'exposure';
  ts: number;
  visitor: string;
  session: string;
  path: string;
  experience: string;
  variant: string;
  forced?: boolean;
}
interface Conversion {
  id: string;
  type: 'conversion';
  ts: number;
  visitor: string;
  session: string;
  path: string;
  goal: string;
  value?: number;
  assignments: Record<string, string>;
  segments: string[];
}

/**
 * Visitors in hero (control / b / global-holdout) and promo (banner / holdout). Purchases carry a
 * value (b's larger on average), some twice, some without a value, some before the exposure, some
 * carrying the other hero variant; signups never carry one; forced exposures are QA traffic.
 */
function simulate(): (Exposure | Conversion)[] {
  const rand = prng(20_261_207);
  const events: (Exposure | Conversion)[] = [];
  const money = (x: number) => Math.round(x * 100) / 100;
  for (let i = 0; i < 1500; i++) {
    const visitor = `visitor-${i}`;
    const r = rand();
    const hero = r < 0.07 ? 'global-holdout' : r < 0.535 ? 'control' : 'b';
    const promo = rand() < 0.5 ? 'banner' : 'holdout';
    const forced = i % 97 === 0;
    const start = T0 + i * 1000;
    const base = { visitor, session: `${visitor}.1`, path: '/' };
    events.push({
      id: id(),
      type: 'exposure',
      ts: start,
      ...base,
      experience: 'hero',
      variant: hero,
      ...(forced ? { forced: true } : {}),
    });
    if (rand() < 0.2)
      events.push({
        id: id(),
        type: 'exposure',
        ts: start + 300,
        ...base,
        experience: 'hero',
        variant: hero,
      });
    if (hero !== 'global-holdout')
      events.push({
        id: id(),
        type: 'exposure',
        ts: start + 100,
        ...base,
        experience: 'promo',
        variant: promo,
      });
    const assignments = { hero, ...(hero === 'global-holdout' ? { promo: 'global-holdout' } : { promo }) };
    const buy = (ts: number, value: number | undefined, carried = assignments) =>
      events.push({
        id: id(),
        type: 'conversion',
        ts,
        ...base,
        path: '/thank-you',
        goal: 'purchase',
        ...(value === undefined ? {} : { value }),
        assignments: carried,
        segments: [],
      });
    const rate = hero === 'b' ? 0.16 : 0.12;
    const mean = hero === 'b' ? 70 : 55;
    if (rand() < rate) {
      buy(start + 500, money(mean * -Math.log(1 - rand())));
      if (rand() < 0.3) buy(start + 900, money(mean * -Math.log(1 - rand())));
      if (rand() < 0.1) buy(start + 950, undefined); // counted, worth 0
    }
    if (rand() < 0.05) buy(start - 10, money(500)); // before the first exposure: never counted
    if (rand() < 0.04) buy(start + 700, money(300), { hero: hero === 'b' ? 'control' : 'b', promo });
    if (rand() < 0.3)
      events.push({
        id: id(),
        type: 'conversion',
        ts: start + 600,
        ...base,
        goal: 'signup',
        assignments,
        segments: [],
      });
  }
  return events;
}

/** Per-visitor values by the counting rules, straight from the event list. */
function reference(events: (Exposure | Conversion)[]) {
  const exposures = events.filter((e): e is Exposure => e.type === 'exposure' && !e.forced);
  const conversions = events.filter((e): e is Conversion => e.type === 'conversion');
  const arm = (experience: string, variant: string, goal: string) => {
    const visitors = new Set(
      exposures.filter((e) => e.experience === experience && e.variant === variant).map((e) => e.visitor),
    );
    return [...visitors].map((v) => {
      const first = Math.min(
        ...exposures.filter((e) => e.experience === experience && e.visitor === v).map((e) => e.ts),
      );
      return conversions
        .filter(
          (c) => c.visitor === v && c.goal === goal && c.assignments[experience] === variant && c.ts >= first,
        )
        .reduce((s, c) => s + (c.value ?? 0), 0);
    });
  };
  const program = (holdout: boolean, goal: string) => {
    const held = new Set(exposures.filter((e) => e.variant === 'global-holdout').map((e) => e.visitor));
    const firsts = new Map<string, number>();
    for (const e of exposures) {
      const mine = holdout
        ? e.variant === 'global-holdout'
        : !['holdout', 'global-holdout'].includes(e.variant) && !held.has(e.visitor);
      if (mine) firsts.set(e.visitor, Math.min(e.ts, firsts.get(e.visitor) ?? Infinity));
    }
    return [...firsts].map(([v, first]) =>
      conversions
        .filter((c) => c.visitor === v && c.goal === goal && c.ts >= first)
        .reduce((s, c) => s + (c.value ?? 0), 0),
    );
  };
  return { arm, program };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-revenue-'));
mkdirSync(path.join(dir, 'site'));
const dbFile = path.join(dir, 'events.db');
let server: Server;
let done: Promise<number>;
let port = 0;
const events = simulate();
const ref = reference(events);

// Each request on its own connection (raw): a kept-alive one can be closed by the server's idle
// timeout just as the next test sends on it.
async function get(url: string) {
  const res = await raw(port, 'GET', url);
  return { status: res.status, text: res.body };
}
const post = (body: string) =>
  raw(port, 'POST', '/collect', body, { 'content-type': 'text/plain;charset=UTF-8' });

beforeAll(async () => {
  ({ server, port, done } = await serveInProcess(['site', '--db', dbFile], dir));
  for (let i = 0; i < events.length; i += 150) {
    const res = await post(JSON.stringify({ v: 1, site: SITE, sent: T0, events: events.slice(i, i + 150) }));
    expect(res.status).toBe(204);
  }
});

afterAll(async () => {
  server?.close();
  expect(await done).toBe(0);
});

describe('value per visitor through tailor serve (simulated traffic, 1,500 visitors)', () => {
  it('matches the reference for every arm of every experience, and Welch against the baseline', async () => {
    const r = await get(`/api/report?site=${SITE}`);
    expect(r.status).toBe(200);
    const report = JSON.parse(r.text);
    let compared = 0;
    for (const e of report.experiences) {
      const base = ref.arm(e.id, e.baseline, 'purchase');
      for (const v of e.variants) {
        const values = ref.arm(e.id, v.id, 'purchase');
        expect(v.exposed).toBe(values.length);
        const s = v.goals.purchase;
        const m = refMean(values);
        close(s.value, m.total);
        close(s.valuePerVisitor, m.mean);
        close(s.valueCi[0], m.ci[0], 1e-7);
        close(s.valueCi[1], m.ci[1], 1e-7);
        if (v.id === e.baseline) {
          expect([s.valueUplift, s.valueUpliftCi, s.valueP]).toEqual([null, null, null]);
          continue;
        }
        const w = refWelch(base, values);
        close(s.valueUplift, w.uplift);
        close(s.valueUpliftCi[0], w.ci[0], 1e-7);
        close(s.valueUpliftCi[1], w.ci[1], 1e-7);
        close(s.valueP, w.p, 1e-7);
        compared++;
      }
    }
    expect(compared).toBe(3); // hero: b and global-holdout against control; promo: banner against holdout
    // The simulated effect is there: b's value per visitor is well above control's.
    const hero = report.experiences.find((e: { id: string }) => e.id === 'hero');
    const b = hero.variants.find((v: { id: string }) => v.id === 'b').goals.purchase;
    expect(b.valueUplift).toBeGreaterThan(0.2);
    expect(b.valueP).toBeLessThan(0.05);
  });

  it('counts value by the conversion rules: only counted conversions, valueless ones as 0', async () => {
    const report = JSON.parse((await get(`/api/report?site=${SITE}`)).text);
    const hero = report.experiences.find((e: { id: string }) => e.id === 'hero');
    const control = hero.variants.find((v: { id: string }) => v.id === 'control').goals.purchase;
    const everything = events
      .filter(
        (c): c is Conversion =>
          c.type === 'conversion' && c.goal === 'purchase' && c.assignments.hero === 'control',
      )
      .reduce((s, c) => s + (c.value ?? 0), 0);
    // Purchases before the exposure (worth 500 each) and forced visitors' ones are left out.
    expect(control.value).toBeLessThan(everything);
    close(control.value, refMean(ref.arm('hero', 'control', 'purchase')).total);
    // Signups carry no value: 0 everywhere, with conversions still counted.
    expect(control.converted).toBeGreaterThan(0);
    const signup = hero.variants[0].goals.signup;
    expect(signup.converted).toBeGreaterThan(0);
    expect(signup.value).toBe(0);
    expect(signup.valuePerVisitor).toBe(0);
  });

  it('gives the program view the same value statistics, personalized against the global holdout', async () => {
    const report = JSON.parse((await get(`/api/report?site=${SITE}`)).text);
    const { personalized, holdout } = report.program;
    const pv = ref.program(false, 'purchase');
    const hv = ref.program(true, 'purchase');
    expect([personalized.visitors, holdout.visitors]).toEqual([pv.length, hv.length]);
    close(personalized.goals.purchase.valuePerVisitor, refMean(pv).mean);
    close(holdout.goals.purchase.valuePerVisitor, refMean(hv).mean);
    const w = refWelch(hv, pv);
    close(personalized.goals.purchase.valueUplift, w.uplift);
    close(personalized.goals.purchase.valueP, w.p, 1e-7);
    close(personalized.goals.purchase.valueUpliftCi[1], w.ci[1], 1e-7);
    expect(holdout.goals.purchase.valueP).toBeNull();
  });

  it('shows value per visitor on /report and in tailor report', async () => {
    const report = JSON.parse((await get(`/api/report?site=${SITE}`)).text);
    const hero = report.experiences.find((e: { id: string }) => e.id === 'hero');
    const b = hero.variants.find((v: { id: string }) => v.id === 'b').goals.purchase;
    const perVisitor = b.valuePerVisitor.toLocaleString('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    const html = (await get(`/report?site=${SITE}`)).text;
    const table = html.slice(html.indexOf('<section class="experience"'));
    expect(table).toContain('Value (revenue) per exposed visitor');
    expect(table).toContain('p (Welch)');
    expect(table).toContain(`<td>${perVisitor}</td>`);
    const out: string[] = [];
    expect(
      await main(['report', '--db', dbFile, '--site', SITE], { out: (l) => out.push(l), err() {}, cwd: dir }),
    ).toBe(0);
    const text = out.join('\n');
    const heroText = text.slice(text.indexOf('\nhero  ('));
    expect(heroText).toContain('Value (revenue) per exposed visitor');
    expect(heroText).toMatch(
      new RegExp(`\\bb\\s+purchase\\s+[\\d,.]+\\s+${perVisitor.replace('.', '\\.')}\\s`),
    );
  });
});

describe('hostile values', () => {
  it('reports values near the largest double without NaN or a crash', async () => {
    const site = 'huge-values';
    const events = ['a', 'b', 'c', 'd'].flatMap((v, i) => [
      {
        id: id(),
        type: 'exposure',
        ts: T0,
        visitor: v,
        session: `${v}.1`,
        path: '/',
        experience: 'x',
        variant: i % 2 ? 'b' : 'control',
      },
      {
        id: id(),
        type: 'conversion',
        ts: T0 + 1,
        visitor: v,
        session: `${v}.1`,
        path: '/',
        goal: 'purchase',
        value: 1.5e308,
        assignments: { x: i % 2 ? 'b' : 'control' },
        segments: [],
      },
    ]);
    const res = await post(JSON.stringify({ v: 1, site, sent: T0, events }));
    expect(res.status).toBe(204);
    const r = await get(`/api/report?site=${site}`);
    expect(r.status).toBe(200);
    const b = JSON.parse(r.text).experiences[0].variants[1].goals.purchase;
    expect(b.converted).toBe(2);
    expect(b.valueCi).toBeNull();
    expect(b.valueP).toBeNull();
    expect((await get(`/report?site=${site}`)).status).toBe(200);
    expect((await get(`/api/report?site=${SITE}`)).status).toBe(200); // the server is still up
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Repeated experiments: error rate, power and coverage (as for the conversion statistics)    */
/* ------------------------------------------------------------------------------------------ */

describe('value statistics over repeated simulated experiments', () => {
  // A visitor buys with probability 5%, for an exponentially distributed amount: most visitors
  // are worth 0, a few a lot, the shape revenue has.
  const P = 0.05;
  function arm(n: number, mean: number, rand: () => number) {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      if (rand() >= P) continue;
      const v = -mean * Math.log(1 - rand());
      sum += v;
      sumSq += v * v;
    }
    return { n, sum, sumSq };
  }
  /** Var of one visitor's value: E[X²] − E[X]² = 2pμ² − p²μ². */
  const variance = (mean: number) => 2 * P * mean * mean - P * P * mean * mean;

  it('A/A: at most 8% of 400 repetitions significant at α = 0.05; the interval covers the true mean 92–98% of the time', () => {
    const rand = prng(41);
    let significant = 0;
    let covered = 0;
    for (let rep = 0; rep < 400; rep++) {
      const a = arm(5000, 60, rand);
      const b = arm(5000, 60, rand);
      if (welch(a, b).p! < 0.05) significant++;
      const { ci } = meanInterval(b.n, b.sum, b.sumSq);
      if (ci![0] <= P * 60 && P * 60 <= ci![1]) covered++;
    }
    console.log(
      `value A/A: ${significant}/400 significant (expected 5%), mean interval covered ${covered}/400`,
    );
    expect(significant / 400).toBeLessThanOrEqual(0.08);
    expect(covered / 400).toBeGreaterThanOrEqual(0.92);
    expect(covered / 400).toBeLessThanOrEqual(0.98);
  });

  it('A/B +20% value per visitor: power within 6 points of the normal approximation, uplift interval covers +20%', () => {
    const rand = prng(43);
    const n = 20_000;
    const reps = 400;
    let detected = 0;
    let covered = 0;
    for (let rep = 0; rep < reps; rep++) {
      const w = welch(arm(n, 60, rand), arm(n, 72, rand));
      if (w.p! < 0.05 && w.uplift! > 0) detected++;
      if (w.ci![0] <= 0.2 && 0.2 <= w.ci![1]) covered++;
    }
    // Power of the two-sided test: Φ(|Δ| / SE − z₀.₉₇₅), Δ = p·12, SE² = (σ₀² + σ₁²) / n.
    const expected = normalCdf((P * 12) / Math.sqrt((variance(60) + variance(72)) / n) - Z95);
    console.log(
      `value A/B +20%: detected ${detected}/${reps} (normal approximation ${(expected * 100).toFixed(1)}%), uplift interval covered ${covered}/${reps}`,
    );
    expect(expected).toBeCloseTo(0.826, 2);
    expect(Math.abs(detected / reps - expected)).toBeLessThanOrEqual(0.06);
    expect(covered / reps).toBeGreaterThanOrEqual(0.91);
    expect(covered / reps).toBeLessThanOrEqual(0.98);
  });
});
