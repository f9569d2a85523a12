/**
 * The script tags' manifest check: rollup swaps `validate.ts` for this file in
 * `dist/tailor*.min.js` (see rollup.config.mjs), because the full validator (≈3.4 KB gzip)
 * does not fit the tags' size budgets next to ua-parser-js.
 *
 * It keeps the runtime contract of SPEC §11 — a manifest that cannot run is refused with one
 * problem, an experience whose shape cannot run is dropped and reported, the rest run — and
 * leaves the field-by-field checks (selectors, regexes, URL schemes, ranges…) to the places
 * that fail closed anyway: conditions compile invalid regexes and unknown operators to false,
 * rendering refuses bad selectors, unknown action types, `on*` attributes and unsafe URLs,
 * each reported through `on('error')`. Authors get every check, with line numbers, from
 * `tailor validate`, `validateManifest()` and the JSON Schema in their editor.
 */
import type { Manifest, ManifestProblem, ValidationResult } from './types';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function validateManifest(json: unknown): ValidationResult {
  const problems: ManifestProblem[] = [];
  const fail = (path: string, message: string): ValidationResult => ({
    manifest: null,
    problems: [{ path, message, severity: 'error' }],
  });
  if (!isObj(json)) return fail('', 'the manifest must be a JSON object');
  if (json.version !== 1) return fail('version', `version ${JSON.stringify(json.version)} is not supported`);
  if (typeof json.site !== 'string' || !json.site) return fail('site', '"site" is required');
  const ids = new Set<unknown>();
  const experiences = (Array.isArray(json.experiences) ? json.experiences : []).filter((e: unknown, i) => {
    const v = isObj(e) && Array.isArray(e.variants) ? e.variants : [];
    const why = !isObj(e)
      ? 'is not an object'
      : typeof e.id !== 'string' || !/^[a-z0-9_-]+$/.test(e.id) || ids.has(e.id)
        ? `has a missing, invalid or repeated id ${JSON.stringify(e.id)}`
        : !v.length ||
            !v.every(
              (x: unknown) =>
                isObj(x) &&
                typeof x.id === 'string' &&
                (x.actions === undefined || (Array.isArray(x.actions) && x.actions.every(isObj))),
            )
          ? 'needs "variants": a list of objects with an "id" and a list of "actions"'
          : '';
    if (isObj(e)) ids.add(e.id);
    if (why)
      problems.push({
        path: `experiences[${i}]`,
        message: `the experience ${why}; it is dropped`,
        severity: 'error',
      });
    return !why;
  });
  const manifest = { ...json, experiences } as unknown as Manifest;
  for (const k of ['segments', 'goals', 'scores', 'remote', 'categories'] as const) {
    if (manifest[k] !== undefined && !isObj(manifest[k])) {
      problems.push({ path: k, message: `"${k}" must be an object; it is ignored`, severity: 'error' });
      delete manifest[k];
    }
  }
  return { manifest, problems };
}
