// Simulation of the report statistics (src/server/stats.ts) with visitors assigned by the real
// decision code (assignVariants → bucket → murmur3, src/assign) and known true conversion rates.
//
// Cost: assignVariants takes 2–8 µs here, so 200 fresh assignments of 50,000 visitors would take
// far too long. Each "population" is therefore 50,000 seeded random visitor ids assigned once
// through assignVariants with its own salt, and each repetition draws fresh conversions for it:
// per arm an exact binomial draw (seeded PRNG) with the arm's size from the real assignment.
// 10 populations × 20 draws = 200 A/A repetitions, × 100 draws = 1,000 A/B repetitions.
import { describe, expect, it } from 'vitest';
import { assignVariants } from '../../../src/assign/assign';
import type { Experience } from '../../../src/manifest/types';
import { experienceReport, normalCdf, Z95 } from '../../../src/server/stats';

const VISITORS = 50_000;
const POPULATIONS = 10;

/** sfc32: small, fast, seeded, good enough for simulation (PractRand-clean to 2^40+). */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const visitorId = (rand: () => number) => {
  let s = '';
  for (let i = 0; i < 22; i++) s += ALPHABET[Math.floor(rand() * 64)];
  return s;
};

/**
 * Binomial(n, p), exact: successes are counted by jumping over the geometric gaps between them
 * (P(gap = k) = (1 − p)^k p), so a draw costs ~n·p PRNG calls instead of n.
 */
function binomial(n: number, p: number, rand: () => number): number {
  const logQ = Math.log(1 - p);
  let successes = 0;
  let i = Math.floor(Math.log(1 - rand()) / logQ);
  while (i < n) {
    successes++;
    i += 1 + Math.floor(Math.log(1 - rand()) / logQ);
  }
  return successes;
}

/** Assigns `VISITORS` fresh visitors to `experience` with the real code; the size of each arm. */
function population(experience: Experience, seed: number): { sizes: number[] } {
  const rand = prng(seed);
  const ids = experience.variants.map((v) => v.id);
  const sizes = ids.map(() => 0);
  for (let i = 0; i < VISITORS; i++) {
    const u = visitorId(rand);
    const { assignments } = assignVariants({
      experiences: [experience],
      _holdoutPercent: 0,
      _unitOf: () => u,
      _excluded: () => 0,
      sticky: {},
      _forced: null,
      _consentGranted: true,
    });
    sizes[ids.indexOf(assignments[0]!.variant)]!++;
  }
  return { sizes };
}

/** One repetition: conversions at each arm's true rate → the report's p-values and SRM. */
function trial(
  ids: string[],
  pop: { sizes: number[] },
  rates: number[],
  rand: () => number,
  exposedOverride?: number[],
) {
  const converted = pop.sizes.map((n, k) => binomial(n, rates[k]!, rand));
  return experienceReport({
    id: 'sim',
    goals: ['purchase'],
    weights: Object.fromEntries(ids.map((id) => [id, 1])),
    variants: ids.map((id, k) => ({
      id,
      exposed: exposedOverride?.[k] ?? pop.sizes[k]!,
      converted: { purchase: converted[k]! },
    })),
  });
}

/**
 * Textbook power of the two-sided two-proportion z-test with n per arm (normal approximation;
 * Fleiss, Statistical Methods for Rates and Proportions, eq. 4.14 solved for power, ignoring the
 * negligible opposite tail): Φ((|p₂ − p₁|·√n − z_{α/2}·√(2p̄q̄)) / √(p₁q₁ + p₂q₂)).
 */
function textbookPower(n: number, p1: number, p2: number): number {
  const pBar = (p1 + p2) / 2;
  return normalCdf(
    (Math.abs(p2 - p1) * Math.sqrt(n) - Z95 * Math.sqrt(2 * pBar * (1 - pBar))) /
      Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)),
  );
}

const twoArms: Experience = { id: 'sim', variants: [{ id: 'control' }, { id: 'b' }] };
const pops = Array.from({ length: POPULATIONS }, (_, i) =>
  population({ ...twoArms, salt: `sim-${i}` }, 1000 + i),
);
const IDS = ['control', 'b'];
const pOf = (r: ReturnType<typeof trial>) => r.variants[1]!.goals.purchase!.p!;

describe('simulation through the real assignment code (50,000 visitors)', () => {
  it('binomial draws have the right mean and variance', () => {
    const rand = prng(3);
    const xs = Array.from({ length: 4000 }, () => binomial(25_000, 0.05, rand));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    expect(Math.abs(mean - 1250)).toBeLessThan(4 * Math.sqrt(1187.5 / 4000));
    expect(variance / 1187.5).toBeGreaterThan(0.9); // n·p·q = 1187.5
    expect(variance / 1187.5).toBeLessThan(1.1);
  });

  it('splits 50/50 through assignVariants', () => {
    for (const { sizes } of pops) {
      expect(sizes[0]! + sizes[1]!).toBe(VISITORS);
      expect(Math.abs(sizes[0]! - VISITORS / 2)).toBeLessThan(4 * Math.sqrt(VISITORS / 4)); // 4 sd
    }
  });

  it('A/A: at most 8% of 200 repetitions significant at α = 0.05', () => {
    const rand = prng(7);
    let significant = 0;
    for (let rep = 0; rep < 200; rep++) {
      if (pOf(trial(IDS, pops[rep % POPULATIONS]!, [0.05, 0.05], rand)) < 0.05) significant++;
    }
    expect(
      significant / 200,
      `A/A: ${significant}/200 significant at α = 0.05 (expected 5%)`,
    ).toBeLessThanOrEqual(0.08);
  });

  it('A/B with +10% relative uplift at 5%: power matches the textbook figure within 5 points', () => {
    const rand = prng(11);
    const reps = 1000;
    let detected = 0;
    for (let rep = 0; rep < reps; rep++) {
      const r = trial(IDS, pops[rep % POPULATIONS]!, [0.05, 0.055], rand);
      if (pOf(r) < 0.05 && r.variants[1]!.goals.purchase!.uplift! > 0) detected++;
    }
    const simulated = detected / reps;
    const textbook = textbookPower(25_000, 0.05, 0.055);
    const figures = `simulated power ${(simulated * 100).toFixed(1)}% (${reps} reps), textbook ${(textbook * 100).toFixed(1)}%`;
    expect(textbook).toBeCloseTo(0.7076, 3); // hand check of the formula: Φ(0.5464)
    expect(simulated, figures).toBeGreaterThan(0.5); // detected in most repetitions
    expect(Math.abs(simulated - textbook), figures).toBeLessThanOrEqual(0.05);
  });

  it('3 arms: the real effect is found, the null arm is not, the split is healthy', () => {
    const three: Experience = { id: 'sim3', variants: [{ id: 'control' }, { id: 'b' }, { id: 'c' }] };
    const ids = ['control', 'b', 'c'];
    const pops3 = Array.from({ length: 5 }, (_, i) => population({ ...three, salt: `sim3-${i}` }, 2000 + i));
    const rand = prng(13);
    const reps = 400;
    let falseB = 0;
    let foundC = 0;
    let srm = 0;
    for (let rep = 0; rep < reps; rep++) {
      const r = trial(ids, pops3[rep % pops3.length]!, [0.05, 0.05, 0.06], rand);
      if (r.variants[1]!.goals.purchase!.p! < 0.05) falseB++;
      if (r.variants[2]!.goals.purchase!.p! < 0.05) foundC++;
      if (r.srm.flagged) srm++;
    }
    const textbook = textbookPower(VISITORS / 3, 0.05, 0.06);
    const figures = `b significant ${falseB}/${reps}, c significant ${foundC}/${reps} (textbook power ${(textbook * 100).toFixed(1)}%), SRM flagged ${srm}`;
    expect(falseB / reps, figures).toBeLessThanOrEqual(0.1);
    expect(Math.abs(foundC / reps - textbook), figures).toBeLessThanOrEqual(0.05);
    expect(srm, figures).toBe(0);
  });

  it('SRM: flagged when 10% of one arm’s exposures are lost, not for the healthy splits', () => {
    const rand = prng(17);
    let healthyFlags = 0;
    let brokenFlags = 0;
    for (const pop of pops) {
      if (trial(IDS, pop, [0.05, 0.05], rand).srm.flagged) healthyFlags++;
      // Drop each exposure of arm b with probability 0.1 (a beacon lost on a redirect, say).
      const kept = pop.sizes[1]! - binomial(pop.sizes[1]!, 0.1, rand);
      const broken = trial(IDS, pop, [0.05, 0.05], rand, [pop.sizes[0]!, kept]);
      if (broken.srm.flagged) brokenFlags++;
    }
    expect(healthyFlags).toBe(0);
    expect(brokenFlags).toBe(pops.length);
  });
});
