// @vitest-environment happy-dom
// `?tailor_force` / `?tailor_preview` (QA): a forced variant overrides audience, traffic,
// holdouts and schedule, never consent, `status: "paused"` or `pages`; `"qa": false` turns both
// parameters off. See docs/security.md.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Experience, ExposureEvent, Manifest, Tailor } from '../../src/manifest/types';
import { validateManifest } from '../../src/manifest/validate';
import { createTailor } from '../../src/runtime';
import { partsNow } from '../parts-now';

// What the parts do, not when they arrive (test/unit/parts.test.ts).
beforeAll(partsNow);

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const made: Tailor[] = [];
const make = (manifest: Manifest, opts: Record<string, unknown> = {}) => {
  const t = createTailor({ manifest, now: () => NOW, ...opts });
  made.push(t);
  return t;
};
const exposuresOf = (t: Tailor) => {
  const out: ExposureEvent[] = [];
  t.on('exposure', (e) => out.push(e));
  return out;
};

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  document.body.innerHTML = '<h1 id="hero">orig</h1>';
  history.replaceState(null, '', '/');
});
afterEach(() => {
  for (const t of made.splice(0)) t.destroy();
});

const text = (value: string) => [{ type: 'text' as const, selector: '#hero', value }];
/** Limited to /outlet, VIP only, no traffic, schedule over: only a force can show it there. */
const outlet = (extra: Partial<Experience> = {}): Manifest => ({
  version: 1,
  site: 'test',
  segments: { vip: { 'visitor.traits.tier': 'vip' } },
  experiences: [
    {
      id: 'outlet',
      pages: { include: ['/outlet'] },
      audience: { $segment: 'vip' },
      traffic: 0,
      schedule: { end: '2020-01-01T00:00:00Z' },
      variants: [
        { id: 'control', actions: [] },
        { id: 'go', actions: text('outlet') },
      ],
      ...extra,
    },
  ],
});

describe('tailor_force respects pages and status', () => {
  it('does not force an experience on a page outside its pages, for the rest of the session either', async () => {
    history.replaceState(null, '', '/home?tailor_force=outlet:go');
    const t = make(outlet());
    await t.start();
    expect(t.variant('outlet')).toBeNull();
    for (const path of ['/checkout', '/account']) {
      history.pushState(null, '', path);
      expect(t.variant('outlet')).toBeNull();
    }
    expect(document.getElementById('hero')!.textContent).toBe('orig');
    // On its own page the force overrides audience, traffic and schedule (what QA needs).
    history.pushState(null, '', '/outlet');
    expect(t.variant('outlet')).toBe('go');
    expect(document.getElementById('hero')!.textContent).toBe('outlet');
  });

  it('a paused experience stays off, even forced on its own page', async () => {
    history.replaceState(null, '', '/outlet?tailor_force=outlet:go');
    const t = make(outlet({ status: 'paused' }));
    const exposures = exposuresOf(t);
    await t.start();
    expect(t.variant('outlet')).toBeNull();
    expect(exposures).toEqual([]);
    expect(document.getElementById('hero')!.textContent).toBe('orig');
  });

  it('a draft needs tailor_preview=1 to be forced', async () => {
    history.replaceState(null, '', '/outlet?tailor_force=outlet:go');
    const t = make(outlet({ status: 'draft' }));
    await t.start();
    expect(t.variant('outlet')).toBeNull();
    history.pushState(null, '', '/outlet?tailor_force=outlet:go&tailor_preview=1');
    expect(t.variant('outlet')).toBe('go');
  });
});

describe('tailor_force respects consent', () => {
  const manifest = (): Manifest => ({
    version: 1,
    site: 'test',
    consent: { mode: 'opt-in' },
    experiences: [
      {
        id: 'ab',
        variants: [
          { id: 'control', actions: [] },
          { id: 'b', actions: text('B') },
        ],
      },
      {
        id: 'single',
        variants: [{ id: 'on', actions: [{ type: 'attr', selector: '#hero', name: 'title', value: 'on' }] }],
      },
    ],
  });

  it('while consent is pending a forced experience that needs a stable id does not run; after granting it does', async () => {
    history.replaceState(null, '', '/?tailor_force=ab:b,single:on');
    const t = make(manifest());
    const exposures = exposuresOf(t);
    await t.start();
    expect(t.variant('ab')).toBeNull();
    expect(document.getElementById('hero')!.textContent).toBe('orig');
    expect(exposures.map((e) => e.experience)).not.toContain('ab');
    // One variant, no holdout, full traffic: needs no id, runs without consent as it would unforced.
    expect(t.variant('single')).toBe('on');
    t.consent('granted');
    expect(t.variant('ab')).toBe('b');
    expect(document.getElementById('hero')!.textContent).toBe('B');
  });

  it('a global holdout keeps every forced experience off without consent, as in normal assignment', async () => {
    history.replaceState(null, '', '/?tailor_force=single:on');
    const t = make({ ...manifest(), holdout: { percent: 5 } });
    await t.start();
    expect(t.variant('single')).toBeNull();
  });
});

describe('"qa": false turns tailor_force and tailor_preview off', () => {
  const manifest = (qa?: boolean): Manifest => ({
    version: 1,
    site: 'test',
    ...(qa === undefined ? {} : { qa }),
    experiences: [
      {
        id: 'hero',
        traffic: 0,
        variants: [
          { id: 'control', actions: [] },
          { id: 'b', actions: text('B') },
        ],
      },
      { id: 'draft-one', status: 'draft', variants: [{ id: 'on', actions: [] }] },
    ],
  });

  it('ignores the parameters and a force stored earlier in the session', async () => {
    history.replaceState(null, '', '/?tailor_force=hero:b&tailor_preview=1');
    const allowed = make(manifest());
    await allowed.start();
    expect(allowed.variant('hero')).toBe('b');
    expect(allowed.variant('draft-one')).toBe('on');
    allowed.destroy();

    const t = make(manifest(false));
    const exposures = exposuresOf(t);
    await t.start();
    expect(t.variant('hero')).toBeNull();
    expect(t.variant('draft-one')).toBeNull();
    expect(exposures.filter((e) => e.forced)).toEqual([]);
    // The next page of the session, without the parameter.
    history.replaceState(null, '', '/next');
    const next = make(manifest(false));
    await next.start();
    expect(next.variant('hero')).toBeNull();
  });

  it('the validator accepts "qa" as a boolean and refuses anything else', () => {
    expect(validateManifest(manifest(false)).problems).toEqual([]);
    expect(validateManifest(manifest(true)).problems).toEqual([]);
    const bad = validateManifest({ ...manifest(), qa: 'no' });
    expect(bad.problems.map((p) => p.path)).toContain('qa');
  });
});
