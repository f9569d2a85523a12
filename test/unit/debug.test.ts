// @vitest-environment happy-dom
/**
 * The debug view of `?tailor_debug=1`: the reason of every decision (recorded by the pass that
 * decides, assignVariants, and named by src/assign/explain.ts), checked through the runtime and
 * on random manifests, and the overlay (src/debug/view.ts).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assignVariants, byPriority, STATUS } from '../../src/assign/assign';
import { bucket } from '../../src/assign/bucket';
import type { Decision, ExplainInput } from '../../src/assign/explain';
import { explainDecisions } from '../../src/assign/explain';
import { showDebugView as showDebugViewNpm } from '../../src/debug';
import { debugRows, explainSnapshot, showDebugView } from '../../src/debug/view';
import type { DecisionSnapshot, Experience, Manifest, Tailor } from '../../src/manifest/types';
import { createTailor } from '../../src/runtime';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const text = (id: string, selector = '#hero') => ({
  id,
  variants: [{ id: 'on', actions: [{ type: 'text' as const, selector, value: `by ${id}` }] }],
});

/** One experience per reason the issue names, plus the other reasons explain() knows. */
const manifest = (extra: Partial<Manifest> = {}): Manifest => ({
  version: 1,
  site: 'debug',
  segments: { vip: { 'visitor.traits.tier': 'gold' }, everyone: {} },
  experiences: [
    text('shown'),
    { ...text('elsewhere'), pages: { include: ['/checkout/*'] } },
    { ...text('vip-only', '#v'), audience: { $segment: 'vip' } },
    { ...text('no-traffic', '#other'), traffic: 0 },
    { ...text('held', '#other'), holdout: 100 },
    { ...text('layer-a', '#a'), layer: 'hero', priority: 10 },
    { ...text('layer-b', '#b'), layer: 'hero' },
    { ...text('capped', '#c'), frequency: { perSession: 1 } },
    { ...text('paused'), status: 'paused' },
    { ...text('draft', '#d'), status: 'draft' },
    { ...text('over'), schedule: { end: '2020-01-01T00:00:00Z' } },
    { ...text('by-user'), unit: 'visitor.userId' },
    { ...text('later', '#missing') },
    { id: 'weightless', variants: [{ id: 'a', weight: 0 }] },
  ],
  ...extra,
});

let tailor: Tailor | null = null;
let stop: (() => void) | null = null;
const make = (m: unknown, opts: Record<string, unknown> = {}) => {
  tailor = createTailor({ manifest: m, now: () => NOW, ...opts });
  return tailor;
};
const latest = (t: Tailor) => {
  let s: DecisionSnapshot | null = null;
  t.on('debug', (x) => {
    s = x;
  })();
  if (!s) throw new Error('no decision yet');
  return s as DecisionSnapshot;
};
const reasons = (t: Tailor) =>
  Object.fromEntries(explainSnapshot(latest(t)).map((d) => [d.experience, [d.variant, d.reason]]));

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  for (const c of document.cookie.split(';'))
    document.cookie = `${c.split('=')[0]!.trim()}=; max-age=0; path=/`;
  history.replaceState(null, '', '/');
  document.body.innerHTML =
    '<h1 id="hero">Hi</h1><p id="a">a</p><p id="b">b</p><p id="c">c</p><p id="v">v</p><p id="d">d</p>';
});
afterEach(() => {
  stop?.();
  stop = null;
  tailor?.destroy();
  tailor = null;
  vi.restoreAllMocks();
});

describe('reasons of the runtime decisions', () => {
  it('gives each experience its decision and the reason', async () => {
    const t = make(manifest());
    await t.start();
    expect(reasons(t)).toEqual({
      shown: ['on', 'shown'],
      elsewhere: [null, 'pages'],
      'vip-only': [null, 'audience'],
      'no-traffic': [null, 'traffic'],
      held: ['holdout', 'holdout'],
      'layer-a': ['on', 'shown'],
      'layer-b': [null, 'layer'],
      capped: ['on', 'shown'],
      paused: [null, 'status'],
      draft: [null, 'status'],
      over: [null, 'schedule'],
      'by-user': [null, 'unit'],
      later: ['on', 'waiting'],
      weightless: [null, 'no-variant'],
    });
    expect(explainSnapshot(latest(t)).find((d) => d.experience === 'layer-b')?.by).toBe('layer-a');
  });

  it('says "frequency" once the cap holds an experience back on the next page view', async () => {
    const t = make(manifest());
    await t.start();
    t.page();
    await vi.waitFor(() => expect(latest(t).context.session.pageviews).toBe(2));
    expect(reasons(t).capped).toEqual(['on', 'frequency']);
    expect(reasons(t).shown).toEqual(['on', 'shown']);
  });

  it('says "consent" for experiences that need a stable id while opt-in consent is pending', async () => {
    const t = make(
      manifest({
        consent: { mode: 'opt-in' },
        experiences: [text('anonymous'), { id: 'ab', variants: [{ id: 'a' }, { id: 'b' }] }],
      }),
    );
    await t.start();
    expect(reasons(t)).toEqual({ anonymous: ['on', 'shown'], ab: [null, 'consent'] });
    t.consent('granted');
    expect(reasons(t).ab?.[1]).not.toBe('consent');
  });

  it('says "global-holdout" for a visitor in the global holdout', async () => {
    const t = make(manifest({ holdout: { percent: 100 }, experiences: [text('shown')] }));
    await t.start();
    expect(reasons(t)).toEqual({ shown: ['global-holdout', 'global-holdout'] });
  });

  it('says "forced" for ?tailor_force and runs drafts with ?tailor_preview=1', async () => {
    history.replaceState(null, '', '/?tailor_force=no-traffic:on&tailor_preview=1');
    const t = make(manifest());
    await t.start();
    expect(reasons(t)['no-traffic']).toEqual(['on', 'forced']);
    expect(reasons(t).draft).toEqual(['on', 'shown']);
  });

  it('gives a late debug subscriber the latest decision at once, then each new one', async () => {
    const t = make(manifest());
    await t.start();
    const seen: DecisionSnapshot[] = [];
    t.on('debug', (s) => seen.push(s));
    expect(seen).toHaveLength(1);
    t.identify('u-1', { tier: 'gold' });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.segments).toEqual(['vip', 'everyone']);
    expect(reasons(t)['vip-only']).toEqual(['on', 'shown']);
    expect(reasons(t)['by-user']?.[0]).toBe('on');
  });

  it('a throwing late debug subscriber does not reach the caller', async () => {
    const t = make(manifest());
    await t.start();
    expect(() =>
      t.on('debug', () => {
        throw new Error('boom');
      }),
    ).not.toThrow();
  });
});

describe('the reasons the deciding pass records (assignVariants), as explainDecisions names them', () => {
  const arbExperience = (i: number) =>
    fc.record({
      id: fc.constant(`e${i}`),
      status: fc.constantFrom<Experience['status']>('live', 'live', 'paused'),
      priority: fc.integer({ min: 0, max: 2 }),
      layer: fc.constantFrom(undefined, 'x', 'y'),
      traffic: fc.constantFrom(0, 30, 70, 100),
      holdout: fc.constantFrom(0, 0, 50),
      variants: fc.array(
        fc.record({ id: fc.constantFrom('a', 'b', 'c'), weight: fc.constantFrom(0, 1, 1, 3) }),
        { minLength: 1, maxLength: 3 },
      ),
    });
  const arbCase = fc.record({
    experiences: fc.tuple(...[0, 1, 2, 3, 4, 5].map(arbExperience)),
    unit: fc.string({ minLength: 1, maxLength: 8 }),
    consent: fc.boolean(),
    holdoutPercent: fc.constantFrom(0, 0, 20),
  });

  type Case = { experiences: Experience[]; unit: string; consent: boolean; holdoutPercent: number };
  const run = (c: Case, experiences: Experience[]) => {
    const out = assignVariants({
      experiences: byPriority(experiences),
      _holdoutPercent: c.holdoutPercent,
      _unitOf: () => c.unit,
      _excluded: (e) => (e.status === 'paused' ? STATUS : 0),
      sticky: {},
      _forced: null,
      _consentGranted: c.consent,
    });
    const input: ExplainInput = {
      experiences,
      assignments: out.assignments,
      out: out._why,
      exposed: () => false,
      capped: () => false,
    };
    return { out, decisions: new Map(explainDecisions(input).map((d) => [d.experience, d])) };
  };

  it('names a reason for exactly the experiences left out, and it holds on its own', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { out, decisions } = run(c, c.experiences);
        const assigned = new Map(out.assignments.map((a) => [a.experience, a.variant]));
        for (const e of c.experiences) {
          const d = decisions.get(e.id) as Decision;
          expect(d.variant).toBe(assigned.get(e.id) ?? null);
          if (d.variant !== null) continue;
          // Alone, an experience keeps every reason except a taken layer.
          const alone = run(c, [e]);
          const single = alone.decisions.get(e.id)!;
          if (d.reason === 'layer') {
            expect(single.reason).not.toBe('layer');
            const owner = c.experiences.find((x) => x.id === d.by)!;
            expect(owner.layer).toBe(e.layer);
          } else {
            expect(alone.out.assignments).toEqual([]);
            expect(single.reason).toBe(d.reason);
          }
          if (d.reason === 'traffic')
            expect(bucket(`${e.id}.traffic.${c.unit}`)).toBeGreaterThanOrEqual(e.traffic! / 100);
          if (d.reason === 'consent') expect(c.consent).toBe(false);
          if (d.reason === 'status') expect(e.status).toBe('paused');
        }
        // The converse: left out here but in when alone means a taken layer.
        for (const e of c.experiences) {
          if (assigned.has(e.id)) continue;
          if (run(c, [e]).out.assignments.length) expect(decisions.get(e.id)!.reason).toBe('layer');
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('the overlay', () => {
  it('lists the segments and a row per experience with its variant and reason', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const t = make(manifest());
    await t.start();
    stop = showDebugView(t, document);
    const root = document.querySelector('[data-tailor-debug]') as HTMLElement;
    expect(root).not.toBeNull();
    expect(root.style.position).toBe('fixed');
    expect(root.textContent).toContain('Segments: everyone');
    const rows = [...root.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows).toHaveLength(14);
    expect(rows).toContainEqual(['shown', 'on', 'shown']);
    expect(rows).toContainEqual(['elsewhere', '—', 'not on this page']);
    expect(rows).toContainEqual(['vip-only', '—', 'audience false']);
    expect(rows).toContainEqual(['no-traffic', '—', 'outside traffic (0%)']);
    // Its element (#other) is not in the page, so it is not exposed yet.
    expect(rows).toContainEqual(['held', 'holdout', 'holdout (this experience)']);
    expect(rows).toContainEqual(['layer-b', '—', 'layer "hero" taken by layer-a']);
    expect(rows).toContainEqual(['draft', '—', 'draft (add ?tailor_preview=1)']);
    // The console gets the same lines.
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines).toContain('[tailor] debug: segments: everyone');
    expect(lines).toContain('[tailor] debug: vip-only → —: audience false');
    expect(lines).toContain('[tailor] debug: layer-b → —: layer "hero" taken by layer-a');
  });

  it('updates when the decision changes and logs only changes', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const t = make(manifest());
    await t.start();
    stop = showDebugView(t, document);
    const calls = log.mock.calls.length;
    t.set({ nothing: 1 });
    expect(log.mock.calls.length).toBe(calls);
    t.identify('u-1', { tier: 'gold' });
    const row = document.querySelector('[data-tailor-debug] tr[data-experience="vip-only"]');
    expect(row?.textContent).toContain('shown');
    expect(log.mock.calls.length).toBeGreaterThan(calls);
  });

  it('escapes every name: markup in the manifest stays text', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const evil = '<img src=x onerror="window.__pwned=1">';
    const t = make({
      version: 1,
      site: 'x',
      segments: { [evil]: {} },
      experiences: [{ ...text('evil'), name: evil }],
    });
    await t.start();
    stop = showDebugView(t, document);
    const root = document.querySelector('[data-tailor-debug]')!;
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toContain(`${evil} (evil)`);
    expect(root.textContent).toContain(`Segments: ${evil}`);
  });

  it('closes with its button, unsubscribes, and opens only once per page', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const t = make(manifest());
    await t.start();
    stop = showDebugView(t, document);
    expect(showDebugView(t, document)).toBeTypeOf('function');
    expect(document.querySelectorAll('[data-tailor-debug]')).toHaveLength(1);
    const close = document.querySelector<HTMLButtonElement>('[data-tailor-debug] button')!;
    expect(close.getAttribute('aria-label')).toMatch(/close/i);
    close.click();
    expect(document.querySelector('[data-tailor-debug]')).toBeNull();
    const calls = log.mock.calls.length;
    t.identify('u-1', { tier: 'gold' });
    expect(log.mock.calls.length).toBe(calls);
  });

  it('debugRows shows names with ids and marks exposed holdouts', async () => {
    const t = make({ version: 1, site: 'x', experiences: [{ ...text('a'), name: 'Hero A', holdout: 100 }] });
    await t.start();
    expect(debugRows(latest(t))).toEqual([
      { id: 'a', experience: 'Hero A (a)', variant: 'holdout', reason: 'holdout (this experience), exposed' },
    ]);
  });
});

describe('tailorjs/debug (the npm entry)', () => {
  it('shows the panel for an instance and never throws for a bad argument', async () => {
    const t = createTailor({ manifest: { version: 1, site: 's' }, storage: 'memory' });
    await t.start();
    const close = showDebugViewNpm(t);
    expect(document.querySelector('[data-tailor-debug]')).not.toBeNull();
    close();
    expect(document.querySelector('[data-tailor-debug]')).toBeNull();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => showDebugViewNpm(undefined as unknown as Tailor)()).not.toThrow();
    expect(error).toHaveBeenCalledWith('[tailor] the debug view could not start', expect.any(TypeError));
    error.mockRestore();
  });
});
