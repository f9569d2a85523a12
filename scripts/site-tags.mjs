// Builds the site tags of four manifests with the real `tailor build` (run by `npm run build`,
// after dist/cli.js), into dist/site-tags/<name>/, for their size limits (.size-limit.json) and
// the browser tests: one experience, a typical A/B on device.type, the demo shop, everything.
// The demo shop's pages load its site tag from examples/shop/site/ (a copy, gitignored).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SITE_TAGS = {
  'one-experience': 'test/fixtures/site/one-experience.json',
  'ab-device-type': 'test/fixtures/site/ab-device-type.json',
  shop: 'examples/shop/tailor.json',
  everything: 'test/fixtures/site/everything.json',
};

for (const [name, file] of Object.entries(SITE_TAGS)) {
  const out = path.join(root, 'dist/site-tags', name);
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [path.join(root, 'bin/tailor.mjs'), 'build', file, '-o', out], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(`tailor build ${file} failed:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  const line = r.stdout.split('\n').find((l) => l.includes('site tag'));
  process.stdout.write(`${name}: ${line?.replace(/^.*site tag, /, '') || '?'}\n`);
}

const shop = path.join(root, 'examples/shop/site');
rmSync(shop, { recursive: true, force: true });
cpSync(path.join(root, 'dist/site-tags/shop'), shop, { recursive: true });
