import { describe, expect, it } from 'vitest';
import { bucket } from '../../../src/assign/bucket';
import { randomId } from '../../../src/random-id';
import { chiSquareP, uniformP } from '../server/stats-helpers';

const N = 100_000;
const sequential = Array.from({ length: N }, (_, i) => `v-${i}`);
const random = Array.from({ length: N }, () => randomId());

describe('the chi-square helper', () => {
  it('gives known upper-tail p-values', () => {
    expect(chiSquareP(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareP(5.991, 2)).toBeCloseTo(0.05, 3);
    expect(chiSquareP(13.277, 4)).toBeCloseTo(0.01, 3);
    expect(uniformP([600, 400])).toBeLessThan(0.001);
  });
});

describe('bucket uniformity (docs/experiences.md#assignment)', () => {
  it.each([
    ['sequential', sequential],
    ['random', random],
  ])('splits %s ids evenly 2, 3 and 5 ways (chi-square p > 0.001)', (_, ids) => {
    for (const k of [2, 3, 5]) {
      const counts = new Array(k).fill(0);
      for (const id of ids) counts[Math.floor(bucket(`hero-test.${id}`) * k)]++;
      expect(uniformP(counts), `${k}-way ${counts}`).toBeGreaterThan(0.001);
    }
  });

  it('assigns two experiences independently (2×2 chi-square p > 0.001)', () => {
    const t = [
      [0, 0],
      [0, 0],
    ];
    for (const id of sequential) t[+(bucket(`exp-a.${id}`) < 0.5)]![+(bucket(`exp-b.${id}`) < 0.5)]!++;
    const rows = t.map((r) => r[0]! + r[1]!);
    const cols = [t[0]![0]! + t[1]![0]!, t[0]![1]! + t[1]![1]!];
    let stat = 0;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        stat += (t[i]![j]! - (rows[i]! * cols[j]!) / N) ** 2 / ((rows[i]! * cols[j]!) / N);
    expect(chiSquareP(stat, 1)).toBeGreaterThan(0.001);
  });

  it('holds out 4.7–5.3% of 100k ids with a 5% global holdout', () => {
    const held = sequential.filter((id) => bucket(`holdout.${id}`) < 0.05).length / N;
    expect(held).toBeGreaterThanOrEqual(0.047);
    expect(held).toBeLessThanOrEqual(0.053);
  });
});
