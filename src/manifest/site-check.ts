/**
 * A site tag's manifest check (rollup.config.mjs swaps it in for validate.ts in the prebuilt
 * site-tag core). A site tag carries the code of the features one published manifest uses, so
 * it runs a manifest published by `tailor build` (validated then, in full) that uses nothing
 * else: the same manifest, or a later one with the same features and context paths. Any other
 * is refused with one problem that says what to do (docs/site-tags.md).
 */
import { SITE_USES } from '../features';
import { stampOf } from '../reads';
import type { Manifest, ValidationResult } from './types';

export function validateManifest(json: unknown): ValidationResult {
  const stamp = json && typeof json === 'object' ? stampOf(json as Manifest) : null;
  const missing = stamp
    ? [...stamp.features, ...stamp.paths].filter((x) => !SITE_USES.includes(`\n${x}\n`))
    : [];
  const message = !stamp
    ? 'this site tag runs manifests published by tailor build only; publish it, or use the generic tag'
    : missing.length
      ? `this site tag was built without ${missing.join(', ')}; run tailor build for this manifest and use the tag it writes`
      : '';
  return message
    ? { manifest: null, problems: [{ path: 'manifest', message, severity: 'error' }] }
    : { manifest: json as Manifest, problems: [] };
}
