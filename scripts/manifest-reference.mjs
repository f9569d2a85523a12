// Renders the manifest reference of docs/manifest.md (the part between
// <!-- manifest-reference:start --> and <!-- manifest-reference:end -->) from the JSON Schema,
// which is itself generated from src/manifest/types.ts: the docs are derived, never written twice.
//
//   node scripts/manifest-reference.mjs           prints the rendering of the manifest schema
//   node scripts/manifest-reference.mjs --write   replaces docs/manifest.md's reference section with it
//   node scripts/manifest-reference.mjs --check   exits 1 when docs/manifest.md's section differs
//
// `npm run docs` runs --write; test/unit/docs/manifest-reference.test.ts fails when the section is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema } from './schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const START = '<!-- manifest-reference:start -->';
export const END = '<!-- manifest-reference:end -->';

const refName = (ref) => ref.slice(ref.lastIndexOf('/') + 1);
const anchor = (name) => `#${name.toLowerCase()}`;
const code = (v) => `\`${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}\``;
const cell = (s) =>
  String(s)
    .replace(/\s*\n+\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

/** A type expression in Markdown: primitives and literals in code, named types as links. */
function typeOf(node) {
  if (!node || typeof node !== 'object') return '';
  if (node.$ref) return `[${refName(node.$ref)}](${anchor(refName(node.$ref))})`;
  if ('const' in node) return code(node.const);
  if (node.enum) return node.enum.map(code).join(' | ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' | ');
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  return types
    .map((t) => {
      if (t === 'array') {
        const inner = typeOf(node.items);
        return node.items?.anyOf ? `(${inner})[]` : `${inner || '`any`'}[]`;
      }
      if (t === 'object' && node.additionalProperties && !node.properties)
        return `{ [key]: ${node.additionalProperties === true ? '`any`' : typeOf(node.additionalProperties)} }`;
      return `\`${t}\``;
    })
    .join(' | ');
}

/** Limits a schema node sets: ranges, lengths, patterns, formats. */
function limits(node) {
  const out = [];
  const { minimum: min, maximum: max, exclusiveMinimum: xmin } = node;
  if (min !== undefined && max !== undefined) out.push(`${min}–${max}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (max !== undefined) out.push(`≤ ${max}`);
  if (xmin !== undefined) out.push(`> ${xmin}`);
  if (node.minItems !== undefined && node.minItems === node.maxItems)
    out.push(`exactly ${node.minItems} items`);
  else {
    if (node.minItems !== undefined)
      out.push(`at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
    if (node.maxItems !== undefined) out.push(`at most ${node.maxItems} items`);
  }
  if (node.minLength !== undefined)
    out.push(`at least ${node.minLength} character${node.minLength === 1 ? '' : 's'}`);
  if (node.pattern) out.push(`pattern \`${node.pattern}\``);
  if (node.format) out.push(`format ${node.format}`);
  return out;
}

/** Named types referenced by `node`, in order of appearance. */
function refsOf(node, out = []) {
  if (Array.isArray(node)) for (const n of node) refsOf(n, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(refName(v));
      else if (k !== 'default' && k !== 'examples') refsOf(v, out);
    }
  return out;
}

/** The Markdown reference of every type reachable from the schema's root, breadth first. */
export function renderReference(schema) {
  const defs = schema.$defs || {};
  const order = [refName(schema.$ref)];
  for (let i = 0; i < order.length; i++)
    for (const r of refsOf(defs[order[i]])) if (!order.includes(r) && defs[r]) order.push(r);
  const lines = [
    '',
    `Generated from \`dist/manifest.schema.json\` (itself generated from \`src/manifest/types.ts\`) by`,
    '`npm run docs`; a unit test fails when this section is out of date.',
    '',
  ];
  for (const name of order) {
    const node = defs[name];
    lines.push(`### ${name}`, '');
    if (node.description) lines.push(cell(node.description), '');
    if (node.type === 'object' && node.properties) {
      const required = new Set(node.required || []);
      lines.push('| field | type | default | description |', '| --- | --- | --- | --- |');
      for (const [field, prop] of Object.entries(node.properties)) {
        const notes = limits(prop);
        const description = [prop.description || '', notes.length ? `(${notes.join(', ')})` : '']
          .filter(Boolean)
          .join(' ');
        lines.push(
          `| \`${field}\`${required.has(field) ? ' (required)' : ''} | ${cell(typeOf(prop))} | ${
            prop.default === undefined ? '' : cell(code(prop.default))
          } | ${cell(description)} |`,
        );
      }
      if (node.additionalProperties === false) lines.push('', 'No other fields are allowed.');
    } else {
      const notes = limits(node);
      lines.push(`Type: ${typeOf(node)}${notes.length ? ` (${notes.join(', ')})` : ''}.`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The page's text with the reference section replaced by `reference`. */
export function withReference(doc, reference) {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/manifest.md has no ${START} … ${END} section`);
  return `${doc.slice(0, a + START.length)}\n${reference}\n${doc.slice(b)}`;
}

/** The reference section currently in the page (between the markers), or null. */
export function currentReference(doc) {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  return a < 0 || b < a ? null : doc.slice(a + START.length + 1, b - 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reference = renderReference(buildSchema());
  const docPath = path.join(root, 'docs/manifest.md');
  if (process.argv.includes('--write')) {
    writeFileSync(docPath, withReference(readFileSync(docPath, 'utf8'), reference));
    process.stdout.write('docs/manifest.md: manifest reference updated\n');
  } else if (process.argv.includes('--check')) {
    const same = currentReference(readFileSync(docPath, 'utf8')) === reference;
    process.stdout.write(
      same
        ? 'docs/manifest.md: manifest reference is up to date\n'
        : 'docs/manifest.md: manifest reference is out of date; run with --write\n',
    );
    process.exitCode = same ? 0 : 1;
  } else process.stdout.write(`${reference}\n`);
}
