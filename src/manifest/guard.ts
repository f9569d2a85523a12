/**
 * The script tags' manifest check: rollup swaps `validate.ts` for this file in
 * `dist/tailor*.min.js` (see rollup.config.mjs), because the full validator (≈3.4 KB gzip)
 * does not fit the tags' size budgets next to ua-parser-js.
 *
 * It keeps the runtime contract of docs/manifest.md#validation — a manifest that cannot run is refused with one
 * problem, an experience whose shape cannot run is dropped and reported, the rest run — and
 * checks action selectors with the browser's own parser; it leaves the other field-by-field
 * checks (regexes, URL schemes, ranges…) to the places
 * that fail closed anyway: conditions compile invalid regexes and unknown operators to false,
 * rendering refuses bad selectors, unknown action types, `on*` attributes and unsafe URLs,
 * each reported through `on('error')`. Authors get every check, with line numbers, from
 * `tailor validate`, `validateManifest()` and the JSON Schema in their editor.
 *
 * One contract: these checks are a first stage of the full validator, never a rule of their own.
 * What this guard refuses or drops, the validator refuses or drops at the same place
 * (test/unit/manifest/contract.test.ts), so nothing `tailor build` publishes is lost here.
 */
import { stampOf } from '../reads';
import { isObject as isObj } from '../rules/condition';
import type { Manifest, ManifestProblem, ValidationResult } from './types';

/** A variant the runtime can use: an object with a string `id` and, if any, a list of action objects. */
const isVariant = (x: unknown) =>
  isObj(x) &&
  typeof x.id === 'string' &&
  (x.actions === undefined || (Array.isArray(x.actions) && x.actions.every(isObj)));

export function validateManifest(json: unknown): ValidationResult {
  const problems: ManifestProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message, severity: 'error' });
  /** Refuses the whole manifest with this one problem. */
  const fail = (path: string, message: string): ValidationResult => {
    report(path, message);
    return { manifest: null, problems };
  };
  if (!isObj(json)) return fail('', 'the manifest must be a JSON object');
  if (json.version !== 1) return fail('version', `version ${JSON.stringify(json.version)} is not supported`);
  if (typeof json.site !== 'string' || !json.site) return fail('site', '"site" is required');
  // A published manifest was checked in full when it was published (tailor build): it gets the
  // structural checks only, so that a stamp copied onto a broken manifest cannot break the rest.
  const published = stampOf(json as unknown as Manifest);
  const ids = new Set<unknown>();
  // Selectors the browser parsed: a manifest repeats them, and each parse costs ~10 µs.
  const parsed = new Set<unknown>();
  const experiences = (Array.isArray(json.experiences) ? json.experiences : []).filter((e: unknown, i) => {
    let why = 'is not an object';
    if (isObj(e)) {
      const { id, variants } = e;
      why =
        typeof id !== 'string' || !/^[a-z0-9_-]+$/.test(id) || ids.has(id)
          ? `has a missing, invalid or repeated id ${JSON.stringify(id)}`
          : Array.isArray(variants) && variants.length && variants.every(isVariant)
            ? ''
            : 'needs "variants": a list of objects with an "id" and a list of "actions"';
      ids.add(id);
    }
    if (why) report(`experiences[${i}]`, `the experience ${why}; it is dropped`);
    // A selector the browser cannot parse drops its experience too (docs/manifest.md#validation), so a half-rendered
    // variant is never shown nor counted.
    else if (!published)
      (e as { variants: { actions?: Record<string, unknown>[] }[] }).variants.forEach((v, j) => {
        v.actions?.forEach((a, k) => {
          const s = a.selector;
          if (why || s === undefined || parsed.has(s)) return;
          try {
            globalThis.document?.createDocumentFragment().querySelector(s as string);
            if (typeof s !== 'string') throw 0;
            parsed.add(s);
          } catch {
            why = `${JSON.stringify(s)} is not a valid CSS selector; experience "${(e as { id: string }).id}" is dropped`;
            report(`experiences[${i}].variants[${j}].actions[${k}].selector`, why);
          }
        });
      });
    return !why;
  });
  const manifest = { ...json, experiences } as unknown as Manifest;
  for (const k of ['segments', 'goals', 'scores', 'remote', 'categories'] as const) {
    if (manifest[k] !== undefined && !isObj(manifest[k])) {
      report(k, `"${k}" must be an object; it is ignored`);
      delete manifest[k];
    }
  }
  return { manifest, problems };
}
