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
      'Be someone else (one click each; a private window is a new visitor):',
      `  from an email campaign     ${base}/shop/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`,
      `  a gold member              ${base}/shop/account.html?tier=gold`,
      `  returning after 30 min     ${base}/shop/?tailor_debug=1   (debug view: "Return after 30 min")`,
      `  a new visitor              ${base}/shop/?tailor_debug=1   (debug view: "New visitor")`,
      `  about to leave a full bag  ${base}/shop/cart.html?item=trail-runner   (pointer out through the top: exit intent)`,
      `  QA: force a variant        ${base}/shop/?tailor_force=hero-test:style`,
      `  the retired outlet page    ${base}/shop/outlet.html   (redirects to the sale)`,
      `  all of them, and more      ${base}/index.html`,
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
