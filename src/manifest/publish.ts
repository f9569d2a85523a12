/**
 * The publish step behind `tailor build`: the work that can happen once per manifest instead of
 * on every page view. It validates (the same validator and messages as `tailor validate`), then
 * writes the manifest a tag runs: normalized (unknown keys gone, defaults filled), with the list
 * of context paths and features it uses, and a stamp.
 *
 * Decisions on the published manifest are the same as on its source (a test compares them on
 * random contexts); only the work to reach them moves from the page view to publish time.
 * Node only: it hashes with `node:crypto`.
 */
import { createHash } from 'node:crypto';
import { byPriority } from '../assign/assign';
import type { Experience, Manifest, ManifestProblem, PublishStamp } from './types';
import { validateManifest } from './validate';

/** Format of the stamp; a tag that does not know it validates the manifest as if unstamped. */
export const STAMP_VERSION = 1;

export interface PublishResult {
  /** The published manifest, or null when the source has problems (nothing is published then). */
  manifest: (Manifest & { published: PublishStamp }) | null;
  /** Every problem of the source, as `tailor validate` reports them. */
  problems: ManifestProblem[];
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const TEMPLATE = /\{\{\s*([^}|\s]+)\s*(?:\|[^}]*)?\}\}/g;

/** Paths and `$segment` names a condition reads. */
function conditionPaths(c: unknown, paths: Set<string>, segments: Set<string>): void {
  if (Array.isArray(c)) for (const x of c) conditionPaths(x, paths, segments);
  else if (isObj(c))
    for (const [k, v] of Object.entries(c)) {
      if (k === '$segment') segments.add(String(v));
      else if (k === '$and' || k === '$or' || k === '$nor' || k === '$not')
        conditionPaths(v, paths, segments);
      else if (k[0] !== '$') {
        paths.add(k);
        // `$elemMatch` with field conditions reads fields of the array's items: those are not
        // context paths, so they are not collected.
      }
    }
}

function templatePaths(value: unknown, paths: Set<string>): void {
  if (typeof value === 'string') for (const m of value.matchAll(TEMPLATE)) paths.add(m[1]!);
  else if (Array.isArray(value)) for (const x of value) templatePaths(x, paths);
  else if (isObj(value)) for (const x of Object.values(value)) templatePaths(x, paths);
}

/** The experience with every default the runtime would apply written out. */
function normalizeExperience(e: Experience): Experience {
  return {
    ...e,
    status: e.status || 'live',
    traffic: e.traffic ?? 100,
    unit: e.unit || 'visitor.id',
    salt: e.salt || e.id,
    priority: e.priority ?? 0,
    trigger: e.trigger || { on: 'load' },
    variants: e.variants.map((v) => ({ ...v, weight: v.weight ?? 1, actions: v.actions || [] })),
  };
}

/** What the manifest uses: paths read and features needed, each sorted. */
export function manifestUses(m: Manifest): { paths: string[]; features: string[] } {
  const paths = new Set<string>();
  const segments = new Set<string>();
  const features = new Set<string>();
  for (const c of Object.values(m.segments || {})) conditionPaths(c, paths, segments);
  for (const [name, goal] of Object.entries(m.goals || {})) {
    features.add(`goal:${goal.type}`);
    if (name && goal.type === 'pageview') features.add('pageview-goals');
  }
  for (const e of m.experiences || []) {
    if (e.audience) conditionPaths(e.audience, paths, segments);
    paths.add(e.unit || 'visitor.id');
    features.add(`trigger:${e.trigger?.on || 'load'}`);
    if (e.layer) features.add('layers');
    if (e.holdout) features.add('experience-holdout');
    if (e.frequency) features.add('frequency');
    if (e.schedule) features.add('schedule');
    for (const v of e.variants)
      for (const a of v.actions || []) {
        features.add(`action:${a.type}`);
        templatePaths(a, paths);
      }
  }
  for (const s of Object.values(m.scores || {})) for (const p of Object.keys(s.weights)) paths.add(p);
  for (const r of Object.values(m.remote || {})) templatePaths(r.url, paths);
  if (segments.size) features.add('segments');
  // Paths read only by `{{ templates }}` are still paths: a template in an action or a remote URL
  // is its own feature (a site tag carries the template code only then).
  const templated = new Set<string>();
  for (const e of m.experiences || []) for (const v of e.variants) templatePaths(v.actions, templated);
  for (const r of Object.values(m.remote || {})) templatePaths(r.url, templated);
  if (templated.size) features.add('templates');
  for (const block of [
    'holdout',
    'categories',
    'journey',
    'scores',
    'remote',
    'dataLayer',
    'redirectHosts',
  ] as const)
    if (m[block] !== undefined) features.add(block);
  for (const p of paths) {
    const root = p.split('.')[0]!;
    if (root === 'os' || root === 'browser' || p === 'device.vendor' || p === 'device.model')
      features.add('device-details');
    if (['geo', 'traffic', 'behavior', 'affinity', 'journey', 'score', 'remote', 'time'].includes(root))
      features.add(`signals:${root}`);
  }
  return { paths: [...paths].sort(), features: [...features].sort() };
}

/**
 * Validates `json` and, when it has no problem at all (warnings included, as `tailor validate`
 * exits non-zero on any), returns the published manifest.
 */
export function publishManifest(
  json: unknown,
  options: Parameters<typeof validateManifest>[1] = {},
): PublishResult {
  const { manifest, problems } = validateManifest(json, options);
  if (!manifest || problems.length) return { manifest: null, problems };
  // The stamp of a manifest that was published before is replaced, never trusted.
  const { published: _old, ...source } = manifest as Manifest & { published?: unknown };
  const normalized: Manifest = {
    ...source,
    // In decision order (priority, then source order), so the tags need not sort it.
    experiences: byPriority((source.experiences || []).map(normalizeExperience)),
  };
  const hash = createHash('sha256').update(JSON.stringify(normalized)).digest('base64url').slice(0, 22);
  return {
    manifest: { ...normalized, published: { v: STAMP_VERSION, hash, ...manifestUses(normalized) } },
    problems,
  };
}
