// The simulated event stream the store tests share: visitors assigned by the real decision code,
// conversions with values, forced QA exposures, conversions before the exposure, and the batches
// a collector receives (re-sent, repeated across batches, out of order).
import { assignVariants } from '../../../src/assign/assign';
import type { Experience, Manifest } from '../../../src/manifest/types';
import { batchOf } from './serve-process';

/* ------------------------------------------------------------------------------------------ */
/* The simulated stream                                                                       */
/* ------------------------------------------------------------------------------------------ */

/** mulberry32: seeded, so every run sends the same stream. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SITE = 'shop';
export const T0 = 1_763_900_000_000;
export const EXPERIENCES: Experience[] = [
  { id: 'hero', holdout: 10, variants: [{ id: 'control' }, { id: 'b' }] },
  {
    id: 'checkout',
    variants: [
      { id: 'control', weight: 2 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ],
  },
];
export const MANIFEST = {
  version: 1,
  site: SITE,
  holdout: { percent: 5 },
  experiences: EXPERIENCES,
} as unknown as Manifest;

export type Event = Record<string, unknown>;

/**
 * 1,000 visitors through assignVariants (5% global holdout, hero's own 10% holdout), exposures
 * (some repeated, 1% forced), purchases (b converts more and spends more; some before the
 * exposure, some without a value, some carrying a variant the visitor never saw) and signups.
 * Values are multiples of 1/4: their sums and sums of squares are exact doubles in any order, so
 * the two stores (each summing in its own order) must agree to the last bit.
 */
export function simulate(): Event[] {
  const rand = prng(20_261_218);
  const events: Event[] = [];
  let seq = 0;
  const id = () => `sim-${String(++seq).padStart(16, '0')}`;
  const quarter = (x: number) => Math.round(x * 4) / 4;
  for (let i = 0; i < 1000; i++) {
    const visitor = `v${Math.floor(rand() * 1e12).toString(36)}-${i}`;
    const { assignments } = assignVariants({
      experiences: EXPERIENCES,
      _holdoutPercent: 5,
      _unitOf: () => visitor,
      _excluded: () => 0,
      sticky: {},
      _forced: null,
      _consentGranted: true,
    });
    const start = T0 + i * 997;
    const base = { visitor, session: `${visitor}.1`, path: '/' };
    const carried: Record<string, string> = {};
    assignments.forEach((a, k) => {
      carried[a.experience] = a.variant;
      const forced = rand() < 0.01;
      events.push({
        id: id(),
        type: 'exposure',
        ts: start + k * 10,
        ...base,
        experience: a.experience,
        variant: a.variant,
        ...(forced ? { forced: true } : {}),
      });
      if (rand() < 0.15)
        events.push({
          id: id(),
          type: 'exposure',
          ts: start + 400 + k,
          ...base,
          experience: a.experience,
          variant: a.variant,
        });
    });
    const lift = carried.hero === 'b' ? 1.4 : 1;
    const buy = (ts: number, value: number | undefined, with_ = carried) =>
      events.push({
        id: id(),
        type: 'conversion',
        ts,
        ...base,
        path: '/thank-you',
        goal: 'purchase',
        ...(value === undefined ? {} : { value }),
        assignments: with_,
        segments: rand() < 0.5 ? ['returning'] : [],
      });
    if (rand() < 0.1 * lift) {
      buy(start + 500, quarter(40 * lift * -Math.log(1 - rand())));
      if (rand() < 0.3) buy(start + 800, quarter(30 * -Math.log(1 - rand())));
      if (rand() < 0.1) buy(start + 900, undefined);
    }
    if (rand() < 0.03) buy(start - 50, quarter(20 + rand() * 20)); // before the exposure: not counted
    if (rand() < 0.02) buy(start + 600, 10, { ...carried, hero: carried.hero === 'b' ? 'control' : 'b' });
    if (rand() < 0.2)
      events.push({
        id: id(),
        type: 'conversion',
        ts: start + 700,
        ...base,
        goal: 'signup',
        assignments: carried,
        segments: [],
      });
  }
  return events;
}

/**
 * The stream as the collectors receive it: batches of 1 to 40 events, in shuffled order; 10% of
 * batches sent twice (an SDK retry after a lost answer) and 3% of events repeated inside a later
 * batch (the same event in two batches).
 */
export function batches(events: Event[]): string[] {
  const rand = prng(7);
  const out: Event[][] = [];
  for (let i = 0; i < events.length; ) {
    const n = 1 + Math.floor(rand() * 40);
    out.push(events.slice(i, i + n));
    i += n;
  }
  for (const e of events) if (rand() < 0.03) out[Math.floor(rand() * out.length)]!.push(e);
  const resent = out.filter(() => rand() < 0.1);
  const all = [...out, ...resent];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.map((b) => batchOf(SITE, b));
}
