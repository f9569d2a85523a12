/**
 * `tailor build`'s site tags: each flag of src/features.ts is set from what the published
 * manifest uses, the code of unused features is gone from the tag, and the build prints the
 * hashes of what it wrote. Needs dist/ (`npm test` builds it first).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { publishManifest } from '../../../src/manifest/publish';
import { main } from '../../../src/server/cli';
import { buildSiteTag, COMPILE_HINT, distDir, siteFlags } from '../../../src/server/site-tag';
import { budget } from '../../budget';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (f: string) => JSON.parse(readFileSync(path.join(ROOT, f), 'utf8'));
const published = (f: string) => publishManifest(read(f)).manifest!;
const FLAGS = [
  ...readFileSync(path.join(ROOT, 'src/features.ts'), 'utf8').matchAll(/export const (\w+) = true;/g),
]
  .map((m) => m[1])
  .sort();

describe('site tag flags', () => {
  it('has one value for every flag of src/features.ts', () => {
    const m = published('test/fixtures/site/one-experience.json');
    expect(Object.keys(siteFlags(m, m.published)).sort()).toEqual(FLAGS);
  });

  it('turns on only what a manifest uses', () => {
    const one = published('test/fixtures/site/one-experience.json');
    const on = Object.entries(siteFlags(one, one.published)).filter(([, v]) => v);
    expect(on.map(([k]) => k)).toEqual(['A_TEXT']);
    const ab = published('test/fixtures/site/ab-device-type.json');
    const abOn = Object.entries(siteFlags(ab, ab.published)).filter(([, v]) => v);
    expect(abOn.map(([k]) => k).sort()).toEqual(['A_CLASS', 'A_TEXT', 'F_CONDITIONS', 'F_DEVICE']);
  });

  it('keeps the device, time and behaviour signals, layers and holdouts for a manifest that has them', () => {
    const flags = (experience: Record<string, unknown>) => {
      const m = publishManifest({
        version: 1,
        site: 's',
        experiences: [{ id: 'e', variants: [{ id: 'a' }], ...experience }],
      }).manifest!;
      const f = siteFlags(m, m.published);
      return [f.F_DEVICE, f.F_TIME, f.F_BEHAVIOR];
    };
    const assignment = (m: Record<string, unknown>) => {
      const p = publishManifest({
        version: 1,
        site: 's',
        experiences: [{ id: 'e', variants: [{ id: 'a' }] }],
        ...m,
      }).manifest!;
      const f = siteFlags(p, p.published);
      return [f.F_LAYERS, f.F_HOLDOUTS];
    };
    expect(assignment({})).toEqual([false, false]);
    expect(assignment({ holdout: { percent: 5 } })).toEqual([false, true]);
    expect(assignment({ experiences: [{ id: 'e', holdout: 10, variants: [{ id: 'a' }] }] })).toEqual([
      false,
      true,
    ]);
    expect(assignment({ experiences: [{ id: 'e', layer: 'hero', variants: [{ id: 'a' }] }] })).toEqual([
      true,
      false,
    ]);
    expect(flags({})).toEqual([false, false, false]);
    expect(flags({ audience: { 'os.name': 'iOS' } })).toEqual([true, false, false]);
    expect(flags({ audience: { 'time.hour': { $gte: 18 } } })).toEqual([false, true, false]);
    expect(flags({ audience: { 'behavior.secondsOnPage': { $gt: 5 } } })).toEqual([false, false, true]);
    // A scroll trigger reads the depth itself.
    expect(flags({ trigger: { on: 'scroll', value: 50 } })).toEqual([false, false, true]);
    // A template reads what it names.
    const tpl = {
      variants: [{ id: 'a', actions: [{ type: 'text', selector: 'h1', value: 'Hi {{ device.type }}' }] }],
    };
    expect(flags(tpl)).toEqual([true, false, false]);
  });

  it('turns every flag on for a manifest that uses every feature', () => {
    const all = published('test/fixtures/site/everything.json');
    const off = Object.entries(siteFlags(all, all.published)).filter(([, v]) => !v);
    expect(off).toEqual([]);
  });

  it('keeps segments declared but never referenced (their names are reported and sent)', () => {
    const m = publishManifest({
      version: 1,
      site: 's',
      segments: { mobile: { 'device.type': 'mobile' } },
      experiences: read('test/fixtures/site/one-experience.json').experiences,
    }).manifest!;
    const flags = siteFlags(m, m.published);
    expect([flags.F_SEGMENTS, flags.F_CONDITIONS]).toEqual([true, true]);
  });
});

const dist = distDir();
// Each site tag is a terser run over the whole core (seconds; more on a busy machine).
describe.skipIf(!dist)('site tag code', { timeout: budget(120_000) }, () => {
  // Without dist/ (a unit run before any build) there is no prebuilt core to build from;
  // `npm test` builds first, so these run there.
  it('drops the code of features the manifest does not use', async () => {
    const one = await buildSiteTag(published('test/fixtures/site/one-experience.json'), dist!);
    const all = await buildSiteTag(published('test/fixtures/site/everything.json'), dist!);
    for (const text of [
      'is not in redirectHosts', // redirects
      'fetchRemotes', // remote data (the core's call into the remote chunk)
      'needs "variants"', // the generic tags' manifest guard
      'event handler attributes are not allowed', // attr actions
      'isWeekend', // time signals
      'secondsOnPage', // behaviour signals
      'playstation', // the device classifier
    ]) {
      expect(one.code.includes(text), text).toBe(false);
      if (!text.startsWith('needs')) expect(all.code.includes(text), text).toBe(true);
    }
    expect(gzipSync(one.code, { level: 9 }).length).toBeLessThan(
      gzipSync(all.code, { level: 9 }).length - 4000,
    );
    expect(one.code).not.toMatch(/__[A-Z_]+__/);
  });

  it('starts every tag with the compile hint, and no chunk', async () => {
    const first = (code: string) => code.split('\n', 1)[0];
    const one = await buildSiteTag(published('test/fixtures/site/one-experience.json'), dist!);
    expect(first(one.code)).toBe(COMPILE_HINT);
    for (const f of ['tailor.min.js', 'tailor.lite.min.js', 'tailor.debug.js'])
      expect(first(readFileSync(path.join(dist!, f), 'utf8')), f).toBe(COMPILE_HINT);
    for (const f of ['tailor.post.js', 'tailor.ua.js', 'tailor.tables.js'])
      expect(readFileSync(path.join(dist!, f), 'utf8'), f).not.toContain(COMPILE_HINT);
  });

  it('tailor build writes the manifest, the tag and its chunks, and prints their hashes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-site-'));
    writeFileSync(
      path.join(dir, 'm.json'),
      readFileSync(path.join(ROOT, 'test/fixtures/site/one-experience.json')),
    );
    const out: string[] = [];
    const code = await main(['build', 'm.json', '-o', 'site'], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      cwd: dir,
    });
    expect(code).toBe(0);
    const tag = readFileSync(path.join(dir, 'site/tailor.js'));
    const sri = (b: Buffer) => `sha384-${createHash('sha384').update(b).digest('base64')}`;
    const text = out.join('\n');
    expect(text).toContain(`site tag, ${gzipSync(tag, { level: 9 }).length} B gzip`);
    expect(text).toContain(`integrity="${sri(tag)}"`);
    for (const chunk of ['post', 'tables', 'extras', 'remote', 'ua', 'device', 'debug']) {
      const f = `tailor.${chunk}.js`;
      const bytes = readFileSync(path.join(dir, 'site', f));
      expect(bytes.equals(readFileSync(path.join(dist!, f)))).toBe(true);
      expect(text).toContain(`${f}  ${sri(bytes)}`);
    }
    expect(read(path.relative(ROOT, path.join(dir, 'site/m.json'))).published.features).toEqual([
      'action:text',
      'trigger:load',
    ]);
  });

  it('--manifest-only writes the published manifest alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-site-'));
    writeFileSync(
      path.join(dir, 'm.json'),
      readFileSync(path.join(ROOT, 'test/fixtures/site/one-experience.json')),
    );
    const code = await main(['build', 'm.json', '-o', 'site', '--manifest-only'], {
      out: () => {},
      err: () => {},
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(existsSync(path.join(dir, 'site/m.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'site/tailor.js'))).toBe(false);
  });
});
