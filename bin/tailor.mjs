#!/usr/bin/env node
// The `tailor` command. The program is dist/cli.js, built by `npm run build`; in a fresh source
// checkout (`npx tailor` right after `npm install`) it does not exist yet, so say what to do
// instead of the shell's "tailor: not found". A build on install would slow every `npm ci`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('tailor: dist/cli.js is missing: run "npm run build" first (this is a source checkout).');
  process.exit(1);
}
await import(cli.href);
