import { describe, expect, it } from 'vitest';
import {
  type AssignInput,
  AUDIENCE,
  assignVariants,
  byPriority,
  CONSENT,
  NO_VARIANT,
  parseForce,
  TRAFFIC,
  UNIT,
} from '../../../src/assign/assign';
import { bucket } from '../../../src/assign/bucket';
import { inSchedule, pathMatches } from '../../../src/assign/eligibility';
import type { Experience } from '../../../src/manifest/types';

const exp = (id: string, over: Partial<Experience> = {}): Experience => ({
  id,
  variants: [{ id: 'control' }, { id: 'b', actions: [{ type: 'text', selector: 'h1', value: 'B' }] }],
  ...over,
});

/** The input, its experiences put in decision order as the engine passes them. */
const input = (over: Partial<AssignInput> & { unit?: string } = {}): AssignInput => ({
  _holdoutPercent: 0,
  _unitOf: () => over.unit ?? 'visitor-1',
  _excluded: () => 0,
  sticky: {},
  _forced: null,
  _consentGranted: true,
  ...over,
  experiences: byPriority(over.experiences ?? [exp('hero')]),
});

const ids = Array.from({ length: 4000 }, (_, i) => `v-${i}`);
const share = (f: (u: string) => boolean) => ids.filter(f).length / ids.length;
const variantOf = (u: string, over: Partial<AssignInput> = {}) =>
  assignVariants(input({ ...over, _unitOf: () => u })).assignments[0]?.variant ?? null;

describe('assignVariants (docs/experiences.md#assignment)', () => {
  it('uses bucket(salt + "." + unit) against cumulative normalized weights', () => {
    for (const u of ids.slice(0, 200)) {
      expect(variantOf(u)).toBe(bucket(`hero.${u}`) < 0.5 ? 'control' : 'b');
    }
  });

  it('normalizes weights that do not sum to 100', () => {
    const experiences = [
      exp('hero', {
        variants: [
          { id: 'a', weight: 1 },
          { id: 'b', weight: 3 },
        ],
      }),
    ];
    expect(share((u) => variantOf(u, { experiences }) === 'b')).toBeCloseTo(0.75, 1);
  });

  it('assigns nothing when every weight is zero', () => {
    const experiences = [exp('hero', { variants: [{ id: 'a', weight: 0 }] })];
    expect(variantOf('v-1', { experiences })).toBeNull();
  });

  it('puts the global holdout share into "global-holdout" with no actions', () => {
    const held = ids.filter((u) => variantOf(u, { _holdoutPercent: 10 }) === 'global-holdout');
    expect(held.length / ids.length).toBeCloseTo(0.1, 1);
    for (const u of held) expect(bucket(`holdout.${u}`)).toBeLessThan(0.1);
    const a = assignVariants(input({ _holdoutPercent: 100 })).assignments[0]!;
    expect(a.actions).toEqual([]);
  });

  it('lets only the traffic share in, and logs nothing for the rest', () => {
    const experiences = [exp('hero', { traffic: 30 })];
    expect(share((u) => variantOf(u, { experiences }) !== null)).toBeCloseTo(0.3, 1);
    for (const u of ids.slice(0, 300)) {
      expect(variantOf(u, { experiences }) !== null).toBe(bucket(`hero.traffic.${u}`) < 0.3);
    }
  });

  it('holds out a single-variant experience\'s holdout share as "holdout"', () => {
    const experiences = [
      exp('perso', { holdout: 20, variants: [{ id: 'on', actions: [{ type: 'hide', selector: 'x' }] }] }),
    ];
    const out = ids.map((u) => variantOf(u, { experiences }));
    expect(out.filter((v) => v === 'holdout').length / ids.length).toBeCloseTo(0.2, 1);
    expect(new Set(out)).toEqual(new Set(['holdout', 'on']));
  });

  it('keeps layers mutually exclusive, the higher priority first', () => {
    const experiences = [exp('low', { layer: 'hero' }), exp('high', { layer: 'hero', priority: 5 })];
    const a = assignVariants(input({ experiences })).assignments;
    expect(a.map((x) => x.experience)).toEqual(['high']);
  });

  it("gives a layer to the next experience when the first one's traffic check fails", () => {
    const experiences = [exp('first', { layer: 'l', traffic: 50 }), exp('second', { layer: 'l' })];
    for (const u of ids.slice(0, 100)) {
      const a = assignVariants(input({ experiences, _unitOf: () => u })).assignments.map((x) => x.experience);
      expect(a).toEqual(bucket(`first.traffic.${u}`) < 0.5 ? ['first'] : ['second']);
    }
  });

  it('skips ineligible experiences and those without a unit id, and records why', () => {
    const out = assignVariants(input({ _excluded: () => AUDIENCE }));
    expect(out.assignments).toEqual([]);
    expect(Object.fromEntries(out._why)).toEqual({ hero: AUDIENCE });
    const noUnit = assignVariants(input({ _unitOf: () => null }));
    expect(noUnit.assignments).toEqual([]);
    expect(Object.fromEntries(noUnit._why)).toEqual({ hero: UNIT });
    expect(Object.fromEntries(assignVariants(input())._why)).toEqual({});
  });

  it('records each step that leaves an experience out: consent, traffic, no variant, a taken layer', () => {
    const out = assignVariants(
      input({
        experiences: [
          exp('ab'),
          exp('none', { traffic: 0 }),
          exp('weightless', { variants: [{ id: 'a', weight: 0 }] }),
          exp('first', { layer: 'l', priority: 2 }),
          exp('second', { layer: 'l' }),
        ],
      }),
    );
    expect(Object.fromEntries(out._why)).toEqual({ none: TRAFFIC, weightless: NO_VARIANT, second: 'first' });
    const denied = assignVariants(input({ _consentGranted: false }));
    expect(Object.fromEntries(denied._why)).toEqual({ hero: CONSENT });
  });

  it('stores the first assignment and keeps it after the weights change', () => {
    const first = assignVariants(input());
    const v = first.assignments[0]!.variant;
    expect(first.sticky.hero).toEqual({ v, s: 'hero' });
    const flipped = [
      exp('hero', {
        variants: [
          { id: 'control', weight: v === 'b' ? 100 : 0 },
          { id: 'b', weight: v === 'b' ? 0 : 100 },
        ],
      }),
    ];
    expect(
      assignVariants(input({ experiences: flipped, sticky: first.sticky })).assignments[0]!.variant,
    ).toBe(v);
  });

  it('re-randomizes when the salt changes', () => {
    const sticky = { hero: { v: 'b', s: 'hero' } };
    const moved = ids.slice(0, 400).filter((u) => {
      const a = assignVariants(
        input({ experiences: [exp('hero', { salt: 'hero-v2' })], sticky, _unitOf: () => u }),
      );
      return a.assignments[0]!.variant === 'control';
    });
    expect(moved.length).toBeGreaterThan(100);
  });

  it('records every new assignment and the global holdout without writing the stored sticky object', () => {
    const stored = Object.freeze({ old: Object.freeze({ v: 'a', s: 'old' }) });
    const experiences = Array.from({ length: 40 }, (_, i) => exp(`e${i}`));
    const out = assignVariants(input({ experiences, sticky: stored, _holdoutPercent: 10 }));
    // Frozen: a write to the caller's object would throw here (modules are strict).
    expect(Object.keys(out.sticky).sort()).toEqual(['old', ...experiences.map((e) => e.id)].sort());
    expect(out.sticky.old).toBe(stored.old);
    for (const a of out.assignments)
      expect(out.sticky[a.experience]).toEqual({ v: a.variant, s: a.experience });
    // Nothing new: the same object comes back.
    expect(assignVariants(input({ experiences: [], sticky: stored })).sticky).toBe(stored);
  });

  it('keeps sticky visitors in when traffic is lowered; new visitors follow the new traffic', () => {
    const full = ids.slice(0, 400).map((u) => [u, assignVariants(input({ _unitOf: () => u }))] as const);
    const lowered = [exp('hero', { traffic: 10 })];
    for (const [u, first] of full) {
      const again = assignVariants(input({ experiences: lowered, sticky: first.sticky, _unitOf: () => u }));
      expect(again.assignments[0]?.variant).toBe(first.assignments[0]!.variant);
    }
    const fresh = share(
      (u) => assignVariants(input({ experiences: lowered, _unitOf: () => u })).assignments.length > 0,
    );
    expect(fresh).toBeGreaterThan(0.07);
    expect(fresh).toBeLessThan(0.13);
  });

  it('keeps a sticky visitor in its layer experience when a higher-priority one becomes eligible', () => {
    const low = exp('low', { layer: 'hero' });
    const high = exp('high', { layer: 'hero', priority: 10 });
    let highEligible = false;
    const _excluded = (e: Experience) => (e.id === 'low' || highEligible ? 0 : AUDIENCE);
    const first = assignVariants(input({ experiences: [low, high], _excluded }));
    expect(first.assignments.map((a) => a.experience)).toEqual(['low']);
    highEligible = true; // e.g. the audience of `high` was widened
    const again = assignVariants(input({ experiences: [low, high], _excluded, sticky: first.sticky }));
    expect(again.assignments.map((a) => a.experience)).toEqual(['low']);
    // A new visitor gets the higher one; a changed salt re-randomizes the layer slot too.
    expect(assignVariants(input({ experiences: [low, high], _excluded })).assignments[0]!.experience).toBe(
      'high',
    );
    const resalted = [exp('low', { layer: 'hero', salt: 'low-2' }), high];
    expect(
      assignVariants(input({ experiences: resalted, _excluded, sticky: first.sticky })).assignments[0]!
        .experience,
    ).toBe('high');
  });

  it('still asks the audience of a sticky experience (a persona pick or segment change shows at once)', () => {
    const first = assignVariants(input());
    const out = assignVariants(input({ sticky: first.sticky, _excluded: () => AUDIENCE }));
    expect(out.assignments).toEqual([]);
    expect(out.sticky).toEqual(first.sticky);
  });

  it('re-assigns when the sticky variant no longer exists', () => {
    const a = assignVariants(input({ sticky: { hero: { v: 'gone', s: 'hero' } } }));
    expect(['control', 'b']).toContain(a.assignments[0]!.variant);
  });

  it('forces variants, beating holdouts, without making them sticky', () => {
    const out = assignVariants(input({ _holdoutPercent: 100, _forced: { hero: 'b' } }));
    expect(out.assignments[0]).toMatchObject({ experience: 'hero', variant: 'b', forced: true });
    expect(out.sticky).toEqual({});
    expect(assignVariants(input({ _forced: { hero: 'nope' } })).assignments[0]!.forced).toBeUndefined();
  });

  it('without consent runs only experiences that need no stable id, and stores nothing', () => {
    const experiences = [
      exp('ab'),
      exp('single', { variants: [{ id: 'on' }] }),
      exp('partial', { traffic: 50, variants: [{ id: 'on' }] }),
      exp('held', { holdout: 5, variants: [{ id: 'on' }] }),
    ];
    const out = assignVariants(input({ experiences, _consentGranted: false }));
    expect(out.assignments.map((a) => a.experience)).toEqual(['single']);
    expect(out.sticky).toEqual({});
    expect(
      assignVariants(input({ experiences, _consentGranted: false, _holdoutPercent: 5 })).assignments,
    ).toEqual([]);
  });

  it('is deterministic', () => {
    expect(assignVariants(input())).toEqual(assignVariants(input()));
  });
});

describe('parseForce', () => {
  it('parses exp:variant pairs', () => {
    expect(parseForce('hero:b, promo:on')).toEqual({ hero: 'b', promo: 'on' });
    expect(parseForce('')).toBeNull();
    expect(parseForce('broken')).toEqual({});
  });
});

describe('eligibility', () => {
  it('matches pages by include and exclude globs and regexes', () => {
    const pages = { include: ['/', '/products/*', { regex: '^/p/\\d+$' }], exclude: ['/products/secret*'] };
    expect(pathMatches(pages, '/')).toBe(true);
    expect(pathMatches(pages, '/products/shoes/red')).toBe(true);
    expect(pathMatches(pages, '/p/42')).toBe(true);
    expect(pathMatches(pages, '/p/x')).toBe(false);
    expect(pathMatches(pages, '/products/secret-sale')).toBe(false);
    expect(pathMatches({ exclude: ['/checkout/*'] }, '/cart')).toBe(true);
    expect(pathMatches(undefined, '/anything')).toBe(true);
  });

  it('checks start, end, weekdays and hours, wrapping past midnight', () => {
    const at = (iso: string) => new Date(iso);
    const s = { start: '2026-11-01T00:00:00Z', end: '2027-01-01T00:00:00Z' };
    expect(inSchedule(s, at('2026-10-31T23:59:59Z'))).toBe(false);
    expect(inSchedule(s, at('2026-12-24T12:00:00Z'))).toBe(true);
    expect(inSchedule(s, at('2027-01-01T00:00:00Z'))).toBe(false);
    const local = new Date(2026, 10, 24, 23, 30); // a Tuesday, 23:30 local
    expect(inSchedule({ weekdays: [2] }, local)).toBe(true);
    expect(inSchedule({ weekdays: [0, 6] }, local)).toBe(false);
    expect(inSchedule({ hours: [9, 21] }, local)).toBe(false);
    expect(inSchedule({ hours: [22, 6] }, local)).toBe(true);
    expect(inSchedule({ hours: [22, 6] }, new Date(2026, 10, 24, 6, 0))).toBe(false);
  });
});

describe('sticky holds and the global holdout', () => {
  it('a former global-holdout visitor gets no sticky hold: the traffic check applies once the holdout is lowered', () => {
    const e = {
      id: 'exp',
      traffic: 10,
      variants: [
        { id: 'a', actions: [] },
        { id: 'b', actions: [] },
      ],
    } as never;
    // find visitors in the 50% global holdout and outside exp's 10% traffic
    let inBefore = 0,
      inAfter = 0,
      n = 0;
    for (let i = 0; n < 400; i++) {
      const u = `v${i}`;
      if (!(bucket(`holdout.${u}`) < 0.5) || bucket(`exp.traffic.${u}`) < 0.1) continue;
      n++;
      const first = assignVariants({
        experiences: [e],
        _holdoutPercent: 50,
        _unitOf: () => u,
        _excluded: () => 0,
        sticky: {},
        _forced: null,
        _consentGranted: true,
      });
      inBefore += first.assignments.length && first.assignments[0]!.variant !== 'global-holdout' ? 1 : 0;
      expect(inBefore).toBe(0); // held out: none was in the experience before
      const later = assignVariants({
        experiences: [e],
        _holdoutPercent: 0,
        _unitOf: () => u,
        _excluded: () => 0,
        sticky: first.sticky,
        _forced: null,
        _consentGranted: true,
      });
      inAfter += later.assignments.length;
    }
    expect(inAfter).toBe(0);
  });
});
