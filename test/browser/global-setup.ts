import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveChromium } from '../../scripts/chromium.mjs';
import { publishManifest } from '../../src/manifest/publish';
import { buildSiteTag, copyChunks } from '../../src/server/site-tag';
import { ROOT } from './server';
import { SITE_TAG, suiteTagManifest, WITH_SITE_TAG } from './tags';

/** The chunks a site tag may load, beside it (as src/server/site-tag.ts copies them). */
const CHUNK = /^tailor\.(post|tables|extras|remote|ua|device|debug)\.js$/;

/**
 * Fails the suite early, with a message saying what to do, instead of passing silently; finds
 * the browser once (unpacking the npm-delivered one takes seconds) and hands it to every file.
 */
export default async function setup(project: TestProject): Promise<void> {
  for (const file of ['dist/tailor.min.js', 'dist/tailor.lite.min.js', 'dist/site/tailor.site.js']) {
    if (!existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run "npm run build" first.`);
  }
  const [found] = await Promise.all([resolveChromium(), WITH_SITE_TAG ? buildSuiteTag() : undefined]);
  console.log(`browser suite: Chromium from ${found.source}, ${found.executablePath}`);
  project.provide('chromium', found);
}

/**
 * The suite's site tag (tags.ts), as `tailor build` writes one: the tag and its chunks, in
 * dist/site-tags/suite/. The tag is built again only when the prebuilt core or its manifest
 * changed (a build takes seconds); the chunks are copied from dist/ every time.
 */
async function buildSuiteTag(): Promise<void> {
  const dist = path.join(ROOT, 'dist');
  const out = path.join(ROOT, 'dist', path.dirname(SITE_TAG));
  const { manifest, problems } = publishManifest(suiteTagManifest());
  if (!manifest)
    throw new Error(`the suite's site tag manifest does not publish: ${JSON.stringify(problems)}`);
  const key = createHash('sha256')
    .update(readFileSync(path.join(dist, 'site/tailor.site.js')))
    .update(readFileSync(path.join(dist, 'site/names.json')))
    .update(JSON.stringify(manifest))
    .digest('hex');
  const stamp = path.join(out, 'built-from');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== key) {
    const tag = await buildSiteTag(manifest, dist);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'tailor.js'), tag.code);
    writeFileSync(stamp, key);
  }
  copyChunks(
    dist,
    out,
    readdirSync(dist).filter((f) => CHUNK.test(f)),
  );
}
