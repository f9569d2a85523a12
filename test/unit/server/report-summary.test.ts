// The report's summary lines, its program view statistics, its order (summary, program,
// experiences), the explanation of "–" and the chart's round axis ticks: from counts, and through
// a real `tailor serve` (real HTTP, a real SQLite file) as JSON, HTML and `tailor report` text.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';
import { chart, niceTicks, renderReport } from '../../../src/server/report-html';
import { formatReport } from '../../../src/server/report-text';
import { buildReport, type ExperienceCounts, sampleSizePerArm } from '../../../src/server/stats';
import { raw, serveInProcess } from './serve-process';

const report = (
  variants: ExperienceCounts['variants'],
  goals = ['purchase'],
  weights?: Record<string, number>,
) =>
  buildReport({
    site: 's',
    generated: 0,
    experiences: [{ id: 'hero', goals, variants, weights }],
    program: { goals, personalized: { visitors: 0, converted: {} }, holdout: { visitors: 0, converted: {} } },
  });

describe('sample size for the summary', () => {
  it('matches the textbook figures (two-sided α = 0.05, 80% power, no continuity correction)', () => {
    // Fleiss's formula: 10% vs 15% needs 686 per group, 5% vs 10% needs 435.
    expect(sampleSizePerArm(0.1, 0.15)).toBe(686);
    expect(sampleSizePerArm(0.15, 0.1)).toBe(686);
    expect(sampleSizePerArm(0.05, 0.1)).toBe(435);
    expect(sampleSizePerArm(0.05, 0.05)).toBeNull();
  });
});

describe('when the report was made', () => {
  it('reads as a UTC date and time to the second in both reports, not a raw ISO string', () => {
    const r = {
      ...report([{ id: 'control', exposed: 10, converted: {} }]),
      generated: Date.UTC(2026, 11, 7, 13, 45, 12, 345),
    };
    expect(formatReport(r)[0]).toBe('Tailor report: s (generated 2026-12-07 13:45:12 UTC)');
    expect(renderReport(r)).toContain('Generated 2026-12-07 13:45:12 UTC.');
  });
});

describe('summary lines', () => {
  it('names the leader, the difference, its interval and p when it is significant', () => {
    const r = report([
      { id: 'control', exposed: 5012, converted: { purchase: 251 } },
      { id: 'b', exposed: 4990, converted: { purchase: 299 } },
    ]);
    expect(r.summary).toHaveLength(1);
    const s = r.summary[0]!;
    expect(s).toMatchObject({
      experience: 'hero',
      goal: 'purchase',
      baseline: 'control',
      leader: 'b',
      significant: true,
    });
    expect(s.uplift).toBeCloseTo(0.196, 3);
    expect(s.p).toBeCloseTo(0.031, 3);
    expect(s.visitorsNeeded).toBeNull();
    const pc = (x: number) => `+${(x * 100).toFixed(1)}%`;
    expect(s.text).toBe(
      `hero: b leads on purchase: b is +19.6% vs control (95% interval ${pc(s.upliftCi![0])} to ${pc(s.upliftCi![1])}), p = ${s.p!.toFixed(4)}, significant at 95% confidence.`,
    );
  });

  it('says the baseline leads when a variant is significantly worse', () => {
    const r = report([
      { id: 'control', exposed: 5000, converted: { purchase: 300 } },
      { id: 'b', exposed: 5000, converted: { purchase: 200 } },
      { id: 'c', exposed: 5000, converted: { purchase: 210 } },
    ]);
    expect(r.summary[0]).toMatchObject({ leader: 'control', challenger: 'c', significant: true });
    expect(r.summary[0]!.text).toMatch(/^hero: control leads on purchase: c is -30\.0% vs control/);
  });

  it('says "not enough data yet" with the visitors still needed for the observed difference', () => {
    const r = report([
      { id: 'control', exposed: 5000, converted: { purchase: 250 } },
      { id: 'b', exposed: 4900, converted: { purchase: 270 } },
    ]);
    const s = r.summary[0]!;
    const needed = sampleSizePerArm(0.05, 270 / 4900)!;
    expect(needed).toBeGreaterThan(30_000);
    expect(s).toMatchObject({ leader: null, challenger: 'b', significant: false, neededPerVariant: needed });
    expect(s.visitorsNeeded).toBe(needed - 5000 + (needed - 4900));
    expect(s.text).toContain('hero: not enough data yet on purchase: b is +10.2% vs control (95% interval');
    expect(s.text).toContain(`about ${s.visitorsNeeded!.toLocaleString('en-US')} more visitors needed`);
  });

  it('reports on the primary goal: the experience’s first goal', () => {
    const r = report(
      [
        { id: 'control', exposed: 5000, converted: { purchase: 250, signup: 1000 } },
        { id: 'b', exposed: 5000, converted: { purchase: 400, signup: 1010 } },
      ],
      ['signup', 'purchase'],
    );
    expect(r.summary[0]).toMatchObject({ goal: 'signup', significant: false, leader: null });
    expect(r.summary[0]!.text).toContain('not enough data yet on signup: b is +1.0% vs control');
  });

  it('warns first on a sample ratio mismatch, and handles no baseline, no conversions, a zero baseline', () => {
    const srm = report(
      [
        { id: 'control', exposed: 5000, converted: { purchase: 250 } },
        { id: 'b', exposed: 4000, converted: { purchase: 400 } },
      ],
      ['purchase'],
      { control: 1, b: 1 },
    ).summary[0]!;
    expect(srm.text).toMatch(/^hero: sample ratio mismatch \(p < 0\.0001\)/);
    expect(
      report([
        { id: 'a', exposed: 10, converted: {} },
        { id: 'b', exposed: 10, converted: {} },
      ]).summary[0],
    ).toMatchObject({
      leader: null,
      text: 'hero: no control or holdout to compare with, so no variant can be said to lead.',
    });
    const none = report([
      { id: 'control', exposed: 100, converted: {} },
      { id: 'b', exposed: 100, converted: {} },
    ]).summary[0]!;
    expect(none.text).toBe('hero: not enough data yet: no purchase conversion in control or b.');
    const zero = report([
      { id: 'control', exposed: 100, converted: {} },
      { id: 'b', exposed: 100, converted: { purchase: 3 } },
    ]).summary[0]!;
    expect(zero.uplift).toBeNull();
    expect(zero.text).toContain('on purchase: b converts at 3.00% and control at 0%');
    expect(zero.visitorsNeeded).toBe(2 * (sampleSizePerArm(0, 0.03)! - 100));
  });
});

describe('program view statistics', () => {
  it('carries the personalized group’s uplift, interval and p against the global holdout', () => {
    const r = buildReport({
      site: 's',
      generated: 0,
      experiences: [],
      program: {
        goals: ['purchase'],
        personalized: { visitors: 9500, converted: { purchase: 520 } },
        holdout: { visitors: 500, converted: { purchase: 22 } },
      },
    });
    const p = r.program.personalized.goals.purchase!;
    const h = r.program.holdout.goals.purchase!;
    // By hand: pooled rate 542/10000, z = (520/9500 − 22/500) / √(p̄q̄(1/9500 + 1/500)).
    const pooled = 542 / 10_000;
    const z = (520 / 9500 - 22 / 500) / Math.sqrt(pooled * (1 - pooled) * (1 / 9500 + 1 / 500));
    expect(z).toBeCloseTo(1.034, 3);
    expect(p.uplift).toBeCloseTo(520 / 9500 / (22 / 500) - 1, 12);
    expect(p.p).toBeCloseTo(0.3014, 3); // 2·(1 − Φ(1.034))
    const se = Math.sqrt(1 / 520 - 1 / 9500 + 1 / 22 - 1 / 500);
    expect(p.upliftCi![0]).toBeCloseTo(Math.exp(Math.log(p.uplift! + 1) - 1.959964 * se) - 1, 5);
    expect(p.ci![0]).toBeLessThan(520 / 9500);
    expect([h.uplift, h.upliftCi, h.p]).toEqual([null, null, null]);
  });
});

describe('round chart ticks', () => {
  it('steps by 1, 2 or 5 × 10^k from 0 past the highest value, 3 to 6 ticks, never past 100%', () => {
    for (let max = 0.00013; max < 1.5; max *= 1.37) {
      const ticks = niceTicks(max);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks[0]).toBe(0);
      const step = ticks[1]!;
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
      for (const [i, t] of ticks.entries()) expect(t).toBeCloseTo(i * step, 12);
      expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(Math.min(max, 1));
      expect(ticks[ticks.length - 1]!).toBeLessThanOrEqual(1);
    }
    expect(niceTicks(0.0669)).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(0.43)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('labels the chart axis with those round values', () => {
    const e = report([
      { id: 'control', exposed: 5012, converted: { purchase: 251 } },
      { id: 'b', exposed: 4990, converted: { purchase: 299 } },
    ]).experiences[0]!;
    const svg = chart(e, 'purchase');
    const labels = [...svg.matchAll(/text-anchor="middle" font-size="10"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0%', '2%', '4%', '6%', '8%']);
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Through tailor serve                                                                       */
/* ------------------------------------------------------------------------------------------ */

const T0 = 1_763_900_000_000;
const SITE = 'summary-shop';
let seq = 0;
const id = () => `sum-${String(++seq).padStart(16, '0')}`;
const exposure = (visitor: string, experience: string, variant: string) => ({
  id: id(),
  type: 'exposure',
  ts: T0,
  visitor,
  session: `${visitor}.1`,
  path: '/',
  experience,
  variant,
});
const conversion = (visitor: string, goal: string, assignments: Record<string, string>) => ({
  id: id(),
  type: 'conversion',
  ts: T0 + 10,
  visitor,
  session: `${visitor}.1`,
  path: '/thank-you',
  goal,
  assignments,
  segments: [],
});

/** hero: control 0 of 40 sign up, b 6 of 40 (a zero baseline); purchases 8 vs 9; a global holdout. */
function traffic() {
  const events: unknown[] = [];
  for (let i = 0; i < 40; i++) {
    events.push(exposure(`c${i}`, 'hero', 'control'), exposure(`b${i}`, 'hero', 'b'));
    if (i < 6) events.push(conversion(`b${i}`, 'signup', { hero: 'b' }));
    if (i < 8) events.push(conversion(`c${i}`, 'purchase', { hero: 'control' }));
    if (i < 9) events.push(conversion(`b${i}`, 'purchase', { hero: 'b' }));
  }
  for (let i = 0; i < 10; i++) {
    events.push(exposure(`g${i}`, 'hero', 'global-holdout'));
    if (i < 1) events.push(conversion(`g${i}`, 'purchase', { hero: 'global-holdout' }));
  }
  return events;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-summary-'));
mkdirSync(path.join(dir, 'site'));
const dbFile = path.join(dir, 'events.db');
const manifestFile = path.join(dir, 'manifest.json');
writeFileSync(
  manifestFile,
  JSON.stringify({
    version: 1,
    site: SITE,
    goals: { purchase: { type: 'event' }, signup: { type: 'event' } },
    experiences: [{ id: 'hero', variants: [{ id: 'control' }, { id: 'b' }], goals: ['signup', 'purchase'] }],
  }),
);
let server: Server;
let done: Promise<number>;
let port = 0;
// Each request on its own connection (raw): a kept-alive one can be closed by the server's idle
// timeout just as the next test sends on it.
const get = async (url: string) => (await raw(port, 'GET', url)).body;

beforeAll(async () => {
  ({ server, port, done } = await serveInProcess(['site', '--db', dbFile, '--manifest', manifestFile], dir));
  const res = await raw(
    port,
    'POST',
    '/collect',
    JSON.stringify({ v: 1, site: SITE, sent: T0, events: traffic() }),
  );
  expect(res.status).toBe(204);
});

afterAll(async () => {
  server?.close();
  expect(await done).toBe(0);
});

describe('the summary and program view through tailor serve', () => {
  it('adds summary to /api/report, on the manifest’s primary goal, and program uplift', async () => {
    const r = JSON.parse(await get(`/api/report?site=${SITE}`));
    expect(r.summary).toHaveLength(1);
    expect(r.summary[0]).toMatchObject({
      experience: 'hero',
      goal: 'signup',
      baseline: 'control',
      challenger: 'b',
    });
    expect(r.summary[0].text).toMatch(
      /^hero: b leads on signup: b converts at 15\.00% and control at 0%, p = 0\.0\d+, significant/,
    );
    const p = r.program.personalized.goals.purchase;
    expect(p.uplift).toBeCloseTo(17 / 80 / (1 / 10) - 1, 12);
    expect(p.p).not.toBeNull();
    expect(p.upliftCi).toHaveLength(2);
  });

  it('puts the summary first and the program view before the experiences on /report', async () => {
    const html = await get(`/report?site=${SITE}`);
    const at = (s: string) => {
      const i = html.indexOf(s);
      expect(i, s).toBeGreaterThan(0);
      return i;
    };
    const summary = at('<section class="summary">');
    const program = at('<section class="program">');
    const experience = at('<section class="experience">');
    expect(summary).toBeLessThan(program);
    expect(program).toBeLessThan(experience);
    expect(html.slice(summary, program)).toContain(
      'b leads on signup: b converts at 15.00% and control at 0%',
    );
    // The program table has the uplift columns, with the personalized uplift in them.
    const programTable = html.slice(program, experience);
    expect(programTable).toContain('<th>uplift 95% interval</th>');
    expect(programTable).toContain('+112.5%'); // 17/80 over 1/10
  });

  it('explains "–" over a zero baseline, in a title and in a note', async () => {
    const html = await get(`/report?site=${SITE}`);
    const hero = html.slice(html.indexOf('<section class="experience">'));
    expect(hero).toContain(
      '<abbr title="the baseline’s rate is 0%: a relative uplift is not defined">–</abbr>',
    );
    expect(html).toMatch(
      /<p id="dash">– means there is no number to show\. An uplift is relative to the baseline: when the baseline converts 0%/,
    );
  });

  it('prints the summary first, then the program view, then the experiences, and the "–" note', async () => {
    const out: string[] = [];
    expect(
      await main(['report', '--db', dbFile, '--site', SITE, '--manifest', manifestFile], {
        out: (l) => out.push(l),
        err() {},
        cwd: dir,
      }),
    ).toBe(0);
    expect(out[2]).toBe('Summary');
    expect(out[3]).toMatch(/^ {2}- hero: b leads on signup: b converts at 15\.00% and control at 0%/);
    const program = out.findIndex((l) => l.startsWith('Program:'));
    const hero = out.findIndex((l) => l.startsWith('hero  ('));
    expect(program).toBeGreaterThan(3);
    expect(hero).toBeGreaterThan(program);
    expect(out[program + 2]).toMatch(/^ {2}personalized\s+80\s+purchase\s+17\s+21\.25%.*\+112\.5%/);
    expect(out.join('\n')).toMatch(/Note: – means there is no number to show/);
  });
});
