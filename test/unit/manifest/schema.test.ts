import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../../scripts/schema.mjs';
import { badManifests } from '../../fixtures/bad-manifests';
import full from '../../fixtures/manifest-full.json';

const schema = buildSchema();
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addFormat('date-time', (s: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(s),
);
const valid = ajv.compile(schema);

/** Mistakes a JSON Schema cannot express; the runtime validator alone catches them. */
const NOT_EXPRESSIBLE: Record<string, string> = {
  'selector with a double hash': 'CSS selector syntax',
  'unclosed attribute selector': 'CSS selector syntax',
  'click goal with a bad selector': 'CSS selector syntax',
  'invalid regex in a condition': 'regular expression syntax',
  'invalid regex in a page pattern': 'regular expression syntax',
  'segment used before it is declared': 'a reference to earlier keys',
  'audience naming an unknown segment': 'a reference to other keys',
  'undefined goal in an experience': 'a reference to other keys',
  'duplicate experience id': 'uniqueness of a property across array items',
  'duplicate variant id': 'uniqueness of a property across array items',
  'schedule end before start': 'a comparison between two values',
  'javascript: link in a CTA': 'URL scheme rules',
  'disguised JaVaScRiPt: with a leading space': 'URL scheme rules',
  'data: URL in a redirect': 'URL scheme rules',
  'remote URL with a javascript: scheme': 'URL scheme rules',
  'onclick attribute': 'attribute name rules',
  'reserved variant id': 'reserved words',
  'unknown operator (typo)': 'condition operators (conditions are open JSON)',
  'unknown top-level operator': 'condition operators (conditions are open JSON)',
  '$in with a single value instead of a list': 'condition operators (conditions are open JSON)',
  '$or with an object instead of a list': 'condition operators (conditions are open JSON)',
  '$type with an unknown type name': 'condition operators (conditions are open JSON)',
  'frequency cap of 1.5': 'whole numbers (the type is number)',
};

describe('dist/manifest.schema.json', () => {
  it('is JSON Schema draft 2020-12 and compiles', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof valid).toBe('function');
  });

  it('accepts the manifest that uses every field', () => {
    expect(valid(full), JSON.stringify(valid.errors, null, 1)).toBe(true);
  });

  it('is the one built from the current types (no drift)', () => {
    const file = path.resolve(__dirname, '../../../dist/manifest.schema.json');
    expect(existsSync(file), 'run npm run build first').toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(schema);
  });

  it('describes every field (TSDoc on every field of the types)', () => {
    const missing: string[] = [];
    for (const [name, def] of Object.entries(schema.$defs as Record<string, { properties?: object }>)) {
      for (const [key, prop] of Object.entries(def.properties || {})) {
        if (!(prop as { description?: string }).description) missing.push(`${name}.${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  const expressible = badManifests.filter((c) => !(c.name in NOT_EXPRESSIBLE));
  it.each(expressible)('also rejects $name', ({ manifest }) => {
    expect(valid(manifest)).toBe(false);
  });

  it('lists exactly the cases the schema lets through', () => {
    const names = new Set(badManifests.map((c) => c.name));
    expect(Object.keys(NOT_EXPRESSIBLE).filter((n) => !names.has(n))).toEqual([]);
    const accepted = badManifests.filter((c) => valid(c.manifest)).map((c) => c.name);
    expect(accepted.sort()).toEqual(Object.keys(NOT_EXPRESSIBLE).sort());
  });
});
