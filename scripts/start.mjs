// `npm start` (after `npm run build`): serves examples/ (the shop and the SPA) with the collector
// and the demo endpoints, prints the URLs to try, and stops cleanly on Ctrl-C.
// The port comes from $PORT (default 8080); events go to .tailor/events.db.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT || '8080';
const args = [
  path.join(root, 'dist/cli.js'),
  'serve',
  'examples',
  '--port',
  port,
  '--db',
  '.tailor/events.db',
  '--manifest',
  'examples/shop/tailor.json',
  '--demo',
];
const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });

let buffered = '';
let printed = false;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (printed) return;
  buffered += chunk;
  const m = /on (http:\/\/[^/\s]+)\//.exec(buffered);
  if (!m) return;
  printed = true;
  const base = m[1];
  process.stdout.write(
    [
      '',
      'Tailor demo',
      `  shop         ${base}/shop/`,
      `  SPA          ${base}/spa/`,
      `  report       ${base}/report?site=demo-shop   (JSON: ${base}/api/report?site=demo-shop)`,
      '',
      'Be someone else (open in a private window for a new visitor):',
      `  from an email campaign   ${base}/shop/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`,
      `  QA: force a variant      ${base}/shop/?tailor_force=hero-test:style`,
      `  a gold member            ${base}/shop/account.html`,
      `  the retired outlet page  ${base}/shop/outlet.html   (redirects to the sale)`,
      '',
      'Beacons leave 5 s after an event or when you leave a page; reload /report to see them.',
      'Ctrl-C stops the server.',
      '',
    ].join('\n'),
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 0 : 1);
});
