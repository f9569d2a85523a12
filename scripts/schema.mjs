// Generates dist/manifest.schema.json (JSON Schema draft 2020-12) from the `Manifest` type in
// src/manifest/types.ts, so the schema can never drift from the types. TSDoc comments become
// `description`s; `@minimum`, `@maximum`, `@pattern`, `@format`, `@default` become keywords.
// Used by rollup.config.mjs (build) and test/unit/manifest/schema.test.ts (drift check).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Rewrites draft-07 `definitions` into 2020-12 `$defs`. */
function toDraft2020(node) {
  if (Array.isArray(node)) return node.map(toDraft2020);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/definitions/', '#/$defs/');
    else out[k === 'definitions' ? '$defs' : k] = toDraft2020(v);
  }
  return out;
}

export function buildSchema() {
  const generated = createGenerator({
    path: path.join(root, 'src/manifest/types.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: 'Manifest',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema('Manifest');
  const schema = toDraft2020(generated);
  delete schema.$schema;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://unpkg.com/tailorjs/dist/manifest.schema.json',
    title: 'Tailor manifest',
    description: 'The manifest of Tailor, the browser personalization SDK.',
    ...schema,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  writeFileSync(path.join(root, 'dist/manifest.schema.json'), `${JSON.stringify(buildSchema(), null, 2)}\n`);
}
