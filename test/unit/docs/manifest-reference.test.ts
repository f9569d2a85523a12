import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { currentReference, renderReference } from '../../../scripts/manifest-reference.mjs';
import { buildSchema } from '../../../scripts/schema.mjs';

// The manifest reference in docs/manifest.md is derived from the schema (which is derived from
// src/manifest/types.ts). When this fails, run `npm run docs`.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const doc = readFileSync(path.join(root, 'docs/manifest.md'), 'utf8');

describe('docs/manifest.md reference', () => {
  const rendered = renderReference(buildSchema());

  it('matches the rendering of the manifest schema', () => {
    const current = currentReference(doc);
    expect(current, 'docs/manifest.md lacks the manifest-reference markers').not.toBeNull();
    expect(current).toBe(rendered);
  });

  it('covers every field of the manifest, experiences and actions', () => {
    for (const field of ['`holdout`', '`experiences`', '`variants` (required)', '`trigger`', '`dismissible`'])
      expect(rendered).toContain(`| ${field}`);
    for (const name of [
      'Manifest',
      'Experience',
      'Variant',
      'BannerAction',
      'ReorderAction',
      'RedirectAction',
    ])
      expect(rendered).toContain(`### ${name}\n`);
  });
});
