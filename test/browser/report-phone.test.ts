// The HTML report in real Chromium: at a phone's width (390 CSS px) nothing is wider than the
// screen (tables scroll inside their own box, charts scale), and at a desktop width the charts
// keep their size. The report is served by `tailor serve` (run from source, real HTTP, a real
// SQLite file) over simulated traffic with revenue, several experiences and long names.
// TAILOR_REPORT_SCREENSHOTS=<dir> keeps full-page screenshots of both widths there
// (report-390.png, report-1280.png) for a person to look at.
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import { raw } from '../unit/server/serve-process';
import { launchChromium, newPage } from './chromium';

const T0 = 1_763_900_000_000;
const shots = process.env.TAILOR_REPORT_SCREENSHOTS;
const SITE = 'phone-shop';

/** Simulated traffic: three experiences, a global holdout, purchases with values, signups. */
function simulatedTraffic(): unknown[] {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  let n = 0;
  const id = () => `phone-${String(++n).padStart(16, '0')}`;
  const experiences = [
    { id: 'hero-test', variants: ['control', 'b', 'c'], rates: [0.05, 0.065, 0.052] },
    { id: 'free-shipping-banner-on-product-pages', variants: ['banner', 'holdout'], rates: [0.06, 0.05] },
    { id: 'reorder', variants: ['control', 'recommendations-first'], rates: [0.04, 0.041] },
  ];
  const events: unknown[] = [];
  for (let i = 0; i < 1200; i++) {
    const visitor = `visitor-${i}`;
    const base = { visitor, session: `${visitor}.1`, path: '/' };
    const held = rand() < 0.05;
    const assignments: Record<string, string> = {};
    let rate = 0.04;
    for (const e of experiences) {
      const k = Math.floor(rand() * e.variants.length);
      const variant = held ? 'global-holdout' : e.variants[k]!;
      assignments[e.id] = variant;
      events.push({ id: id(), type: 'exposure', ts: T0 + i, ...base, experience: e.id, variant });
      if (!held) rate = Math.max(rate, e.rates[k]!);
    }
    const convert = (goal: string, value?: number) =>
      events.push({
        id: id(),
        type: 'conversion',
        ts: T0 + i + 10,
        ...base,
        path: '/thank-you',
        goal,
        ...(value === undefined ? {} : { value }),
        assignments,
        segments: [],
      });
    if (rand() < rate * 2) convert('purchase', Math.round(4000 + rand() * 12_000) / 100);
    if (rand() < 0.2) convert('newsletter-signup');
  }
  return events;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-report-phone-'));
mkdirSync(path.join(dir, 'site'));
let server: Server;
let done: Promise<number>;
let url = '';
let port = 0;
let browser: Browser;

beforeAll(async () => {
  const started = new Promise<void>((resolve) => {
    done = main(['serve', 'site', '--port', '0', '--db', path.join(dir, 'events.db')], {
      out() {},
      err: (l) => console.error(l),
      cwd: dir,
      onServer(s) {
        server = s;
        const a = s.address();
        port = typeof a === 'object' && a ? a.port : 0;
        url = `http://127.0.0.1:${port}`;
        resolve();
      },
    });
  });
  [browser] = await Promise.all([launchChromium(), started]);
  const events = simulatedTraffic();
  for (let i = 0; i < events.length; i += 150) {
    // Each batch on its own connection: no kept-alive socket for the server's idle timeout to close.
    const res = await raw(
      port,
      'POST',
      '/collect',
      JSON.stringify({ v: 1, site: SITE, sent: T0, events: events.slice(i, i + 150) }),
    );
    expect(res.status).toBe(204);
  }
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  expect(await done).toBe(0);
});

describe('the HTML report on a phone', () => {
  it('is no wider than a 390 px viewport; wide tables scroll inside their own box', async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/report?site=${SITE}`);
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      tables: [...document.querySelectorAll('table')].map((t) => ({
        width: t.scrollWidth,
        box: t.parentElement!.clientWidth,
        overflow: getComputedStyle(t.parentElement!).overflowX,
      })),
      charts: [...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().right),
      summary: document.querySelectorAll('.summary li').length,
      value: document.querySelectorAll('table.value').length,
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    expect(layout.summary).toBe(3);
    expect(layout.value).toBeGreaterThan(0); // revenue tables are on the page
    // The rate tables are wider than the phone: they scroll in their box instead of the page.
    expect(layout.tables.some((t) => t.width > t.box)).toBe(true);
    for (const t of layout.tables.filter((t) => t.width > t.box)) expect(t.overflow).toBe('auto');
    expect(layout.charts.length).toBeGreaterThan(0);
    for (const right of layout.charts) expect(right).toBeLessThanOrEqual(390);
    if (shots) await page.screenshot({ path: path.join(shots, 'report-390.png'), fullPage: true });
    await page.close();
  });

  it('keeps the charts at their full size on a desktop', async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${url}/report?site=${SITE}`);
    const widths = await page.evaluate(() =>
      [...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().width),
    );
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(1280);
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(560);
    if (shots) await page.screenshot({ path: path.join(shots, 'report-1280.png'), fullPage: true });
    await page.close();
  });
});
