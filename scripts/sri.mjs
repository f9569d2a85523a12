// Prints the Subresource Integrity hashes of the script tags (run by `npm run build`), for
// `<script src="…/tailor.min.js" integrity="sha384-…" crossorigin="anonymous">`.
// `node scripts/sri.mjs --json` prints them as JSON instead.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['dist/tailor.min.js', 'dist/tailor.lite.min.js'];
/** The chunks the tags load from their own address (for a CDN's or a proxy's own checks). */
const chunks = () =>
  readdirSync(path.join(root, 'dist'))
    .filter((f) => /^tailor\.[a-z]+\.js$/.test(f) && f !== 'tailor.min.js')
    .sort()
    .map((f) => `dist/${f}`);

/** The SRI value of a file's bytes: `sha384-<base64 digest>`. */
export function sri(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const hashes = Object.fromEntries(
    [...FILES, ...chunks()].map((f) => [f, sri(readFileSync(path.join(root, f)))]),
  );
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(hashes, null, 2)}\n`);
  else {
    process.stdout.write('Subresource Integrity (integrity="…" on the <script> tag):\n');
    for (const f of FILES) process.stdout.write(`  ${f}  ${hashes[f]}\n`);
    process.stdout.write('Chunks (loaded by the tags from their own address with import()):\n');
    for (const f of chunks()) process.stdout.write(`  ${f}  ${hashes[f]}\n`);
  }
}
