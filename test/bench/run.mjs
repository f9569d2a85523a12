// `npm run bench` (after `npm run build`): Tailor side by side with GrowthBook. Runs the size,
// decide, tag-cost, flicker, delivery and collector modules, prints the table, writes
// bench/results.json and rewrites the docs/benchmarks.md section between <!-- bench:start --> and
// <!-- bench:end --> from it. Figures only: nothing here asserts anything about time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as collector from './collector.mjs';
import * as decide from './decide.mjs';
import * as delivery from './delivery.mjs';
import * as flicker from './flicker.mjs';
import { launchChromium, ROOT, startServer } from './lib.mjs';
import { RESULTS, rows, updateDoc } from './readme-table.mjs';
import * as size from './size.mjs';
import * as tagCost from './tag-cost.mjs';

const started = Date.now();
const step = async (name, fn) => {
  const t = Date.now();
  process.stdout.write(`${name}… `);
  const r = await fn();
  console.log(`${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r;
};
const version = (p) => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8')).version;

const results = { date: new Date().toISOString().slice(0, 10) };
results.size = await step('size', () => size.run());
const browser = await launchChromium();
const server = await startServer();
let chromiumVersion;
try {
  chromiumVersion = browser.version();
  results.decide = await step('decide', () => decide.run({ browser }));
  results.tagCost = await step('tag cost', () => tagCost.run({ browser, server }));
  results.flicker = await step('flicker', () => flicker.run({ browser, server }));
  results.delivery = await step('delivery', () => delivery.run({ browser, server }));
} finally {
  await browser.close();
  await server.close();
}
results.collector = await step('collector', () => collector.run({ log: () => {} }));
results.machine = {
  cpu: os.cpus()[0]?.model || 'unknown CPU',
  cores: os.cpus().length,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  chromium: chromiumVersion,
};
results.versions = {
  tailor: version('package.json'),
  growthbook: version('node_modules/@growthbook/growthbook/package.json'),
};
results.durationSeconds = Math.round((Date.now() - started) / 1000);

mkdirSync(path.dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

const table = rows(results);
const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((r) => r[i].length), 10));
const line = (r) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log(`\n${line(['Figure', 'Tailor', 'GrowthBook', 'Tailor/GB'])}\n${table.map(line).join('\n')}`);
console.log(
  `\n${results.machine.cpu} × ${results.machine.cores}, Node ${results.machine.node}, Chromium ${results.machine.chromium}; ${results.durationSeconds} s in all`,
);
console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
if (updateDoc(results)) console.log('updated the benchmark table of docs/benchmarks.md');
else
  console.warn(
    'docs/benchmarks.md has no <!-- bench:start --> … <!-- bench:end --> section: table not written there',
  );
