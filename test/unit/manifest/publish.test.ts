// @vitest-environment happy-dom
/**
 * The publish step (`tailor build`): validation exactly as `tailor validate`, a normalized and
 * stamped manifest, what it uses, and decisions identical to the source manifest's.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manifestUses, publishManifest } from '../../../src/manifest/publish';
import type { Manifest, Tailor } from '../../../src/manifest/types';
import { validateManifest } from '../../../src/manifest/validate';
import { createTailor } from '../../../src/runtime';
import { main } from '../../../src/server/cli';

const read = (p: string) => JSON.parse(readFileSync(path.join(__dirname, '../../..', p), 'utf8'));
const SOURCES: [string, unknown][] = [
  ['the demo shop', read('examples/shop/tailor.json')],
  ['100 experiences', read('test/fixtures/manifest-100.json')],
  ['every feature', read('test/fixtures/manifest-full.json')],
];
const NOW = Date.UTC(2026, 11, 6, 15, 30);

describe('publishManifest', () => {
  it.each(SOURCES)('publishes %s with no problem, a stamp and what it uses', (_, source) => {
    const { manifest, problems } = publishManifest(source);
    expect(problems).toEqual([]);
    expect(manifest?.published.v).toBe(1);
    expect(manifest?.published.hash).toMatch(/^[\w-]{22}$/);
    expect(manifest?.published.paths).toEqual(manifestUses(manifest as Manifest).paths);
    // A published manifest is itself a valid manifest.
    expect(validateManifest(manifest).problems).toEqual([]);
  });

  it.each(SOURCES)('is idempotent for %s: publishing the published manifest changes nothing', (_, source) => {
    const once = publishManifest(source).manifest;
    expect(publishManifest(once).manifest).toEqual(once);
  });

  it('changes the hash when the manifest changes, and never trusts an old stamp', () => {
    const source = read('test/fixtures/manifest-full.json');
    const a = publishManifest(source).manifest!;
    const b = publishManifest({ ...a, revision: 'other', published: a.published }).manifest!;
    expect(b.published.hash).not.toBe(a.published.hash);
  });

  it('writes the defaults the runtime applies', () => {
    const { manifest } = publishManifest({
      version: 1,
      site: 's',
      experiences: [{ id: 'e', variants: [{ id: 'a' }, { id: 'b', weight: 3, actions: [] }] }],
    });
    expect(manifest?.experiences?.[0]).toEqual({
      id: 'e',
      status: 'live',
      traffic: 100,
      unit: 'visitor.id',
      salt: 'e',
      priority: 0,
      trigger: { on: 'load' },
      variants: [
        { id: 'a', weight: 1, actions: [] },
        { id: 'b', weight: 3, actions: [] },
      ],
    });
  });

  it('lists the experiences in decision order: priority first, then source order', () => {
    const e = (id: string, priority?: number) => ({
      id,
      ...(priority === undefined ? {} : { priority }),
      variants: [{ id: 'a' }],
    });
    const { manifest } = publishManifest({
      version: 1,
      site: 's',
      experiences: [e('low', -1), e('a'), e('top', 5), e('b', 0), e('mid', 2), e('c')],
    });
    expect(manifest?.experiences?.map((x) => x.id)).toEqual(['top', 'mid', 'a', 'b', 'c', 'low']);
  });

  it('lists the paths of conditions, templates, units and scores, and the features used', () => {
    const uses = manifestUses({
      version: 1,
      site: 's',
      segments: {
        mobile: { 'device.type': 'mobile' },
        ios: { $and: [{ $segment: 'mobile' }, { 'os.name': 'iOS' }] },
      },
      scores: { intent: { weights: { 'session.pageviews': 1 } } },
      goals: { buy: { type: 'pageview', path: '/thanks' } },
      experiences: [
        {
          id: 'e',
          unit: 'visitor.userId',
          audience: { 'geo.country': { $in: ['ES'] } },
          trigger: { on: 'scroll', value: 50 },
          variants: [{ id: 'a', actions: [{ type: 'banner', value: 'Hi {{visitor.traits.name|you}}' }] }],
        },
      ],
    });
    expect(uses.paths).toEqual([
      'device.type',
      'geo.country',
      'os.name',
      'session.pageviews',
      'visitor.traits.name',
      'visitor.userId',
    ]);
    expect(uses.features).toEqual(
      expect.arrayContaining([
        'action:banner',
        'device-details',
        'goal:pageview',
        'scores',
        'segments',
        'signals:geo',
        'trigger:scroll',
      ]),
    );
  });

  it('publishes nothing when the source has any problem, and reports exactly what validate reports', () => {
    const source = {
      version: 1,
      site: 's',
      experiences: [{ id: 'e', audeince: {}, variants: [{ id: 'a' }] }],
    };
    const result = publishManifest(source);
    expect(result.manifest).toBeNull();
    expect(result.problems).toEqual(validateManifest(source).problems);
    expect(result.problems.length).toBeGreaterThan(0);
  });
});

describe('decisions on a published manifest equal those on its source', () => {
  let live: Tailor[] = [];
  // Remote enrichment (the shop's weather) answers nothing here, the same for both manifests.
  beforeAll(() => {
    window.fetch = () => Promise.reject(new Error('offline in this test'));
  });
  afterEach(() => {
    for (const t of live) t.destroy();
    live = [];
  });

  /** Variant of every experience and the segments, for one visitor on one page. */
  async function decide(manifest: unknown, visitor: string, url: string, traits: Record<string, string>) {
    (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(url);
    document.cookie = `tlr_id=${visitor}; path=/`;
    const t = createTailor({ manifest, storage: 'memory', now: () => NOW, country: traits.country });
    live.push(t);
    t.identify(visitor, traits);
    t.set({ cartValue: visitor.length * 20 });
    await t.start();
    // By id: the published manifest lists its experiences in decision order, not source order.
    const ids = ((manifest as Manifest).experiences || []).map((e) => e.id).sort();
    expect(t.context().visitor.id).toBe(visitor);
    return { segments: t.segments(), variants: ids.map((id) => [id, t.variant(id)]) };
  }

  it.each(SOURCES)('for %s on random visitors, pages and traits', async (_, source) => {
    const published = publishManifest(source).manifest;
    const paths = ['/', '/shop/shoes/runner', '/outlet/', '/checkout', '/thank-you', '/products/1'];
    /** Distinct decisions seen: a comparison of empty decisions would prove nothing. */
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcdef0123456789-') }),
        fc.constantFrom(...paths),
        fc.constantFrom('', '?utm_medium=email', '?utm_source=google&utm_medium=cpc', '?gclid=x'),
        fc.record({
          persona: fc.constantFrom('developer', 'designer', 'none'),
          loyaltyTier: fc.constantFrom('gold', 'silver', ''),
          country: fc.constantFrom('ES', 'US', 'DE', 'GB', 'IT', 'JP'),
          plan: fc.constantFrom('pro', 'free'),
        }),
        async (visitor, p, query, traits) => {
          const url = `https://shop.example${p}${query}`;
          const a = await decide(source, visitor, url, traits);
          const b = await decide(published, visitor, url, traits);
          expect(b).toEqual(a);
          seen.add(JSON.stringify(a));
        },
      ),
      // Enough runs that the distinct decisions below are not left to a lucky draw (60 runs once
      // saw only 4 of the demo shop's).
      { numRuns: 60 },
    );
    // Distinct decisions per draw: the demo shop gives 4 to 6 in 60 runs (4 is rare, and a bound
    // of more than 4 once failed on it); empty or constant decisions give 1.
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });
});

describe('tailor build', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-build-'));
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir });
    return { code, out, err };
  }

  it('writes the published manifest into the output folder', async () => {
    writeFileSync(path.join(dir, 'site.json'), JSON.stringify(read('examples/shop/tailor.json')));
    const r = await run('build', 'site.json', '-o', 'out', '--manifest-only');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/out\/site\.json: published \(21 experiences/);
    const written = JSON.parse(readFileSync(path.join(dir, 'out/site.json'), 'utf8'));
    expect(written).toEqual(publishManifest(read('examples/shop/tailor.json')).manifest);
  });

  it('prints the problems as validate does, exits 1 and writes nothing', async () => {
    const text = '{\n  "version": 1,\n  "site": "s",\n  "experiences": [{ "id": "e", "variants": [] }]\n}\n';
    writeFileSync(path.join(dir, 'bad.json'), text);
    const built = await run('build', 'bad.json', '-o', 'bad-out');
    const validated = await run('validate', 'bad.json');
    expect(built.code).toBe(1);
    expect(built.out).toEqual(validated.out);
    expect(existsSync(path.join(dir, 'bad-out'))).toBe(false);
  });

  it('refuses to overwrite its source', async () => {
    writeFileSync(path.join(dir, 'same.json'), JSON.stringify({ version: 1, site: 's' }));
    const r = await run('build', 'same.json', '-o', '.');
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/would be overwritten/);
  });
});
