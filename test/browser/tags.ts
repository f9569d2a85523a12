/**
 * The tags the browser suite runs each scenario on: the two generic tags and a site tag
 * (docs/site-tags.md). A site tag runs manifests published by `tailor build` only, so a test
 * hands its manifest through `manifestFor(file, m)`: as written for a generic tag, published
 * (`publishManifest`, what `tailor build` does) for the site tag.
 *
 * The site tag is the every-feature one (test/fixtures/site/everything.json: every feature flag
 * on, the flags of dist/site-tags/everything/tailor.js), built by global-setup.ts into
 * dist/site-tags/suite/ from that manifest plus what the suite's manifests use beyond it (an
 * event goal, redirectHosts, the context paths of SUITE_READS): a site tag also refuses a
 * manifest that reads a path its own manifest did not, and the suite's manifests read paths the
 * every-feature one does not.
 *
 * TAILOR_SITE_TAG=0 leaves the site tag out (.ci/run's second pass, with the npm-delivered
 * Chromium, runs the generic tags only).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { publishManifest } from '../../src/manifest/publish';
import { selectorProblem } from '../../src/manifest/selector-check';
import type { Manifest } from '../../src/manifest/types';
import { ROOT } from './server';

export const GENERIC_TAGS = ['tailor.min.js', 'tailor.lite.min.js'];
/** The site tag, under dist/ as the generic tags are (`/dist/${file}`). */
export const SITE_TAG = 'site-tags/suite/tailor.js';
export const WITH_SITE_TAG = process.env.TAILOR_SITE_TAG !== '0';
/** The tags a scenario runs on. */
export const TAGS = WITH_SITE_TAG ? [...GENERIC_TAGS, SITE_TAG] : GENERIC_TAGS;
export const isSiteTag = (file: string): boolean => file.startsWith('site-tags/');
/** The folder of `file` under /dist/, where it loads its chunks from: `/dist/` or `/dist/site-tags/suite/`. */
export const tagDir = (file: string): string => `${path.posix.dirname(`/dist/${file}`)}/`;

/**
 * Context paths the suite's manifests read beyond those of the every-feature manifest. A test
 * whose manifest reads another fails on the site tag with a message naming it: add it here.
 */
export const SUITE_READS: string[] = [
  'behavior.scrollDepth',
  'data.again',
  'data.d',
  'data.dl',
  'nothing',
  'page.path',
  'page.query.c',
  'page.query.name',
  'page.query.p',
  'page.query.x',
  'page.referrer',
  'traffic.campaign',
  'traffic.content',
  'traffic.source',
  'traffic.term',
  'visitor.traits.pick',
  'visitor.traits.t',
  'visitor.traits.tier',
  // security.test.ts: one path per payload.
  ...['page.query.p', 'visitor.traits.t', 'data.d'].flatMap((p) =>
    Array.from({ length: 40 }, (_, i) => `${p}${i}`),
  ),
];

/**
 * The manifest the site tag is built from: the every-feature one, with an event goal and an
 * allowed redirect host, and an experience whose text templates every path of SUITE_READS (a
 * template may read any path).
 */
export function suiteTagManifest(): Manifest {
  const everything = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/site/everything.json'), 'utf8'));
  const value = SUITE_READS.map((p) => `{{${p}}}`).join(' ');
  return {
    ...everything,
    goals: { ...everything.goals, 'suite-event': { type: 'event' } },
    redirectHosts: ['www.example.com'],
    experiences: [
      ...everything.experiences,
      {
        id: 'suite-reads',
        variants: [{ id: 'on', actions: [{ type: 'text', selector: '#suite-reads', value }] }],
      },
    ],
  };
}

let uses: Set<string> | undefined;
/** The features and paths the site tag was built with (the stamp of its published manifest). */
function suiteUses(): Set<string> {
  if (!uses) {
    const { manifest, problems } = publishManifest(suiteTagManifest());
    if (!manifest)
      throw new Error(`the suite's site tag manifest does not publish: ${JSON.stringify(problems)}`);
    uses = new Set([...manifest.published.features, ...manifest.published.paths]);
  }
  return uses;
}

/**
 * The manifest as the tag `file` needs it: unchanged for a generic tag; for the site tag,
 * published as `tailor build` publishes it (a manifest it would refuse throws, saying why).
 * A string is taken as the manifest's JSON and the answer is JSON too.
 */
export function manifestFor<T>(file: string, manifest: T): T {
  if (!isSiteTag(file)) return manifest;
  const source = typeof manifest === 'string' ? JSON.parse(manifest) : manifest;
  // With the CLI's selector check (there is no DOM here to ask).
  const { manifest: published, problems } = publishManifest(source, {
    isValidSelector: (selector) => selectorProblem(selector) || true,
  });
  if (!published)
    throw new Error(
      `tailor build refuses this manifest, so no site tag runs it: ${JSON.stringify(problems)}`,
    );
  const { features, paths } = published.published;
  const missing = [...features, ...paths].filter((x) => !suiteUses().has(x));
  if (missing.length)
    throw new Error(
      `the suite's site tag was built without ${missing.join(', ')}: add them to its manifest (SUITE_READS for a path)`,
    );
  return (typeof manifest === 'string' ? JSON.stringify(published) : published) as T;
}

/** A short name of the tag `file`, for names that must differ between the tags: `full`, `lite`, `site`. */
export const tagKey = (file: string): 'full' | 'lite' | 'site' =>
  isSiteTag(file) ? 'site' : file.includes('lite') ? 'lite' : 'full';
