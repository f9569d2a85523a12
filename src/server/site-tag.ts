/**
 * Site tags (`tailor build`): the script tag built for one published manifest. The package ships
 * the tag's core unminified with its feature flags left open (dist/site/tailor.site.js, see
 * src/features-site.ts); this sets each flag from what the manifest uses, puts the manifest in,
 * and minifies, so the code of every feature the manifest does not use is dropped. Property
 * names are mangled as in the generic build (dist/site/names.json), so the site tag loads the
 * same chunks as the generic tags, copied beside it (docs/site-tags.md).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import type { Manifest, PublishStamp } from '../manifest/types';

/** V8's explicit compile hint, the first line of every tag (the generic ones: rollup.config.mjs). */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/** The files beside the site tag it may load from its own address. */
const CHUNK = /^tailor\.(post|tables|extras|remote|ua|device|debug)\.js$/;

/** Where the package's built files are: beside dist/cli.js, or dist/ when run from source. */
export function distDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.join(here, '../../dist')])
    if (existsSync(path.join(dir, 'site/tailor.site.js'))) return dir;
  return null;
}

/** The flags of src/features.ts for a manifest that uses `stamp`. */
export function siteFlags(m: Manifest, stamp: PublishStamp): Record<string, boolean> {
  const f = new Set(stamp.features);
  const has = (x: string) => f.has(x);
  const paths = stamp.paths;
  const reads = (re: RegExp) => paths.some((p) => re.test(p));
  const experiences = m.experiences || [];
  // Declared segments are computed (and sent with conversions) even when no condition names them.
  const segments = has('segments') || !!Object.keys(m.segments || {}).length;
  return {
    F_SEGMENTS: segments,
    F_CONDITIONS: segments || experiences.some((e) => e.audience),
    F_TEMPLATES: has('templates'),
    F_PAGES: experiences.some((e) => e.pages),
    F_PAGEVIEW_GOALS: has('goal:pageview'),
    F_SCHEDULE: has('schedule'),
    F_LAYERS: has('layers'),
    F_HOLDOUTS: has('holdout') || has('experience-holdout'),
    F_FREQUENCY: has('frequency'),
    F_REDIRECT: has('action:redirect'),
    F_GEO: reads(/^geo\./),
    F_DATALAYER: has('dataLayer'),
    F_REMOTE: has('remote'),
    F_EXTRAS:
      has('categories') ||
      has('journey') ||
      has('scores') ||
      has('action:reorder') ||
      reads(/^(page\.category|affinity\.|journey\.|score\.)/),
    F_DEVICE_DETAILS: has('device-details'),
    F_DEVICE: reads(/^(device|os|browser)\./),
    F_TIME: reads(/^time\./),
    F_BEHAVIOR: reads(/^behavior\./) || has('trigger:scroll'),
    A_TEXT: has('action:text'),
    A_HTML: has('action:html'),
    A_ATTR: has('action:attr'),
    A_CLASS: has('action:class') || has('action:cta'),
    A_STYLE: has('action:style') || has('action:hide'),
    A_HIDE: has('action:hide'),
    A_INSERT: has('action:insert'),
    A_CTA: has('action:cta'),
    A_REORDER: has('action:reorder'),
    A_CSS: has('action:css'),
    A_WIDGETS: has('action:banner') || has('action:overlay'),
  };
}

export interface SiteTag {
  /** The minified site tag (it loads the published manifest as the generic tags do). */
  code: string;
  /** The flags it was built with. */
  flags: Record<string, boolean>;
  /** The chunk files (names) that can be copied beside it. */
  chunks: string[];
}

/** Builds the site tag of a published manifest from the package's prebuilt core in `dist`. */
export async function buildSiteTag(
  published: Manifest & { published: PublishStamp },
  dist: string,
): Promise<SiteTag> {
  const core = readFileSync(path.join(dist, 'site/tailor.site.js'), 'utf8');
  const names = JSON.parse(readFileSync(path.join(dist, 'site/names.json'), 'utf8'));
  const flags = siteFlags(published, published.published);
  const { features, paths } = published.published;
  const defs: Record<string, unknown> = { __SITE_USES__: `\n${[...features, ...paths].join('\n')}\n` };
  for (const [k, v] of Object.entries(flags)) defs[`__${k}__`] = v;
  const out = await minify(core, {
    ecma: 2020,
    // The same options as the generic tags (rollup.config.mjs), plus the flags.
    compress: { passes: 3, pure_getters: true, unsafe_arrows: true, global_defs: defs },
    mangle: { properties: { regex: /^_/ } },
    // V8's compile hint, as on the generic tags (rollup.config.mjs): the whole core compiles
    // off the main thread while it downloads.
    format: { comments: false, preamble: COMPILE_HINT },
    nameCache: structuredClone(names),
  });
  const code = out.code || '';
  const open = code.match(/__[A-Z_]+__/);
  if (open) throw new Error(`the site tag core has a flag this CLI does not set: ${open[0]}`);
  return {
    code,
    flags,
    chunks: readdirSync(dist)
      .filter((f) => CHUNK.test(f))
      .sort(),
  };
}

/** Copies the chunks a site tag may load into `dir`, beside it. */
export function copyChunks(dist: string, dir: string, chunks: string[]): void {
  for (const f of chunks) copyFileSync(path.join(dist, f), path.join(dir, f));
}

/** The Subresource Integrity value of some bytes: `sha384-<base64 digest>`. */
export const sri = (bytes: string | Buffer) =>
  `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
