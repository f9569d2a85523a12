import { describe, expect, it } from 'vitest';
import { CONTEXT_PATHS, contextPathProblem, editDistance } from '../../../src/manifest/context-paths';
import type { Manifest } from '../../../src/manifest/types';
import { validateManifest } from '../../../src/manifest/validate';
import { buildContext, type PageSignals } from '../../../src/signals/context';
import { pageView } from '../../../src/signals/visitor';

const base = { version: 1, site: 's' };
const errors = (m: object) =>
  validateManifest({ ...base, ...m }).problems.filter((p) => p.severity === 'error');

describe('context paths in conditions', () => {
  it('reports a misspelt namespace or field with the nearest real path, and drops the segment', () => {
    const { manifest, problems } = validateManifest({
      ...base,
      segments: {
        email: { 'trafic.medium': 'email' },
        email2: { 'traffic.medum': 'email' },
        ok: { 'traffic.medium': 'email' },
      },
    });
    expect(problems).toEqual([
      {
        path: 'segments.email["trafic.medium"]',
        message: '"trafic.medium" is not a context path; did you mean "traffic.medium"?',
        severity: 'error',
      },
      {
        path: 'segments.email2["traffic.medum"]',
        message: '"traffic.medum" is not a context path; did you mean "traffic.medium"?',
        severity: 'error',
      },
    ]);
    expect(Object.keys(manifest!.segments!)).toEqual(['ok']);
  });

  it('drops an experience whose audience names a path that does not exist', () => {
    const { manifest, problems } = validateManifest({
      ...base,
      experiences: [
        { id: 'a', audience: { 'device.typ': 'mobile' }, variants: [{ id: 'v' }] },
        { id: 'b', audience: { 'device.type': 'mobile' }, variants: [{ id: 'v' }] },
      ],
    });
    expect(manifest!.experiences!.map((e) => e.id)).toEqual(['b']);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        'experiences[0].audience["device.typ"]',
        '"device.typ" is not a context path; did you mean "device.type"?',
      ],
    ]);
  });

  it('leaves the site’s own keys free: traits, query, conversions, data, remote, affinity, score', () => {
    for (const path of [
      'visitor.traits.loyaltyTier',
      'visitor.conversions.purchase',
      'page.query.utm_source',
      'data.loyaltyTier',
      'data.cart.items',
      'remote.weather.condition',
      'affinity.shoes',
      'affinity.top',
      'score.buyIntent',
      'geo.languages.0',
      'traffic.first.medium',
    ])
      expect(contextPathProblem(path), path).toBeNull();
  });

  it('leaves the fields of list elements inside $elemMatch free, and checks the list’s own path', () => {
    const e = errors({
      segments: {
        cart: { 'data.cart': { $elemMatch: { sku: 'x', qty: { $gt: 1 } } } },
        langs: { 'geo.langauges': { $elemMatch: { $eq: 'es' } } },
      },
    });
    expect(e.map((p) => [p.path, p.message])).toEqual([
      [
        'segments.langs["geo.langauges"]',
        '"geo.langauges" is not a context path; did you mean "geo.languages"?',
      ],
    ]);
  });

  it('guesses inside an open namespace and lists a namespace’s fields when nothing is near', () => {
    expect(contextPathProblem('vistor.traits.tier')).toBe(
      '"vistor.traits.tier" is not a context path; did you mean "visitor.traits.tier"?',
    );
    expect(contextPathProblem('time.timezoneOffsetMinutes')).toBe(
      '"time.timezoneOffsetMinutes" is not a context path; "time" has "time.hour", "time.weekday", "time.isWeekend", "time.date", "time.month"',
    );
    expect(contextPathProblem('zzzzzzzzzz.q')).toMatch(
      /^"zzzzzzzzzz\.q" is not a context path; paths start with "visitor", "session", "page"/,
    );
  });

  it('checks inside $and/$or/$not and $elemMatch, the unit, and score weights', () => {
    const e = errors({
      segments: { s: { $or: [{ $not: { 'sesion.pageviews': { $gt: 2 } } }] } },
      scores: { intent: { weights: { 'behavior.scrolDepth': 0.5, 'behavior.secondsOnPage': 0.1 } } },
      experiences: [{ id: 'a', unit: 'visitor.ud', variants: [{ id: 'v' }] }],
    });
    expect(e.map((p) => p.path)).toEqual([
      'scores.intent.weights["behavior.scrolDepth"]',
      'segments.s.$or[0].$not["sesion.pageviews"]',
      'experiences[0].unit',
    ]);
    expect(e[2]!.message).toBe('"visitor.ud" is not a context path; did you mean "visitor.id"?');
  });

  it('lists every path of a real context, and nothing a context does not have', () => {
    const manifest = { version: 1, site: 's', dataLayer: ['tier'] } as Manifest;
    const url = new URL('https://shop.example/p?utm_source=x');
    const page: PageSignals = {
      _url: url,
      _referrer: null,
      _title: 't',
      _category: null,
      _device: {
        device: { type: 'desktop', vendor: null, model: null, touch: false },
        os: { name: null, version: null },
        browser: { name: null, version: null, major: null },
      },
      _bot: false,
      _screen: { width: 1, height: 1 },
      _geo: { country: null, timezone: null, language: null, languages: [] },
      _time: { hour: 1, weekday: 1, isWeekend: false, date: '2026-12-07', month: 12 },
      _behavior: { scrollDepth: 0, secondsOnPage: 0 },
    };
    const touch = { source: 'direct', medium: 'none', campaign: null, term: null, content: null };
    const profile = pageView(null, { now: 0, path: '/p', touch });
    const ctx = buildContext(manifest, page, profile, 'id', 0, {}, 'granted') as unknown as Record<
      string,
      unknown
    >;
    const leaves: string[] = [];
    const walk = (o: unknown, prefix: string) => {
      if (o && typeof o === 'object' && !Array.isArray(o) && Object.keys(o).length)
        for (const k of Object.keys(o))
          walk((o as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k);
      else leaves.push(prefix);
    };
    walk(ctx, '');
    // Every leaf of a real context is a listed path (or under a listed open namespace)...
    for (const leaf of leaves) expect(contextPathProblem(leaf), leaf).toBeNull();
    // ...and every listed path exists in it (open namespaces: the object exists).
    for (const p of CONTEXT_PATHS) {
      const parts = p.replace(/\.\*$/, '').split('.');
      let o: unknown = ctx;
      for (const k of parts) o = (o as Record<string, unknown>)?.[k];
      expect(o, p).not.toBeUndefined();
    }
  });
});

describe('misspelt keys', () => {
  it('drops an experience with a key two edits from a known one (audeince), naming the key it meant', () => {
    const { manifest, problems } = validateManifest({
      ...base,
      experiences: [
        { id: 'a', audeince: { 'device.type': 'mobile' }, variants: [{ id: 'v' }] },
        { id: 'b', variants: [{ id: 'v', actions: [{ type: 'banner', value: 'x', dismissable: true }] }] },
        { id: 'c', colour: 'red', variants: [{ id: 'v' }] },
      ],
    });
    expect(problems).toEqual([
      {
        path: 'experiences[0].audeince',
        message: 'unknown key "audeince": did you mean "audience"?',
        severity: 'error',
      },
      {
        path: 'experiences[1].variants[0].actions[0].dismissable',
        message: 'unknown key "dismissable": did you mean "dismissible"?',
        severity: 'error',
      },
      { path: 'experiences[2].colour', message: 'unknown key "colour" is ignored', severity: 'warning' },
    ]);
    expect(manifest!.experiences!.map((e) => e.id)).toEqual(['c']);
  });

  it('keeps short unknown keys a warning unless one edit away', () => {
    const p = validateManifest({
      ...base,
      experiences: [{ id: 'a', ab: 1, nme: 'x', variants: [{ id: 'v' }] }],
    }).problems;
    expect(p.map((x) => [x.path, x.severity])).toEqual([
      ['experiences[0].ab', 'warning'],
      ['experiences[0].nme', 'error'],
    ]);
  });

  it('says at the top level which block was meant, as a warning', () => {
    expect(validateManifest({ ...base, segmnts: {} }).problems).toEqual([
      {
        path: 'segmnts',
        message: 'unknown key "segmnts" is ignored; did you mean "segments"?',
        severity: 'warning',
      },
    ]);
  });
});

describe('one mistake, one message', () => {
  it('an invalid operator in a segment is reported once; what uses the segment is named there', () => {
    const { manifest, problems } = validateManifest({
      ...base,
      segments: {
        'high-intent': { 'visitor.pageviews': { '$gt=': 3 } },
        'high-intent-mobile': { $segment: 'high-intent', 'device.type': 'mobile' },
      },
      experiences: [
        { id: 'upsell', audience: { $segment: 'high-intent' }, variants: [{ id: 'v' }] },
        { id: 'other', audience: { $segment: 'high-intent-mobile' }, variants: [{ id: 'v' }] },
        { id: 'kept', variants: [{ id: 'v' }] },
      ],
    });
    expect(problems).toEqual([
      {
        path: 'segments["high-intent"]["visitor.pageviews"]["$gt="]',
        message:
          'unknown operator "$gt=" (segment "high-intent" is dropped, and with it segment "high-intent-mobile", experience "upsell", experience "other", which use it)',
        severity: 'error',
      },
    ]);
    expect(problems.some((p) => /not declared/.test(p.message))).toBe(false);
    expect(manifest!.experiences!.map((e) => e.id)).toEqual(['kept']);
    expect(Object.keys(manifest!.segments!)).toEqual([]);
  });

  it('still reports a segment that was never declared', () => {
    expect(
      errors({ experiences: [{ id: 'a', audience: { $segment: 'nope' }, variants: [{ id: 'v' }] }] }),
    ).toEqual([
      {
        path: 'experiences[0].audience.$segment',
        message: 'segment "nope" is not declared',
        severity: 'error',
      },
    ]);
  });
});

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit and stops past the maximum', () => {
    expect(editDistance('audeince', 'audience')).toBe(1);
    expect(editDistance('trafic', 'traffic')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('a', 'abcdefgh', 3)).toBe(4);
    expect(editDistance('', '')).toBe(0);
  });
});
