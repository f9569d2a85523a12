// Load benchmark of the collector (SPEC §12), not part of npm test: `npm run bench:collector`.
// Starts the built `tailor serve` (dist/cli.js) on loopback with a fresh SQLite file, sends
// batches of 20 events with unique ids through autocannon, prints events/s and the latency
// percentiles, and checks that the database holds exactly one row per event answered 2xx.
//
// Options (environment): REQUESTS (default 20000 batches), CONNECTIONS (default 10).
// `run({ requests, connections })` is what `npm run bench` (test/bench/run.mjs) calls.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PER_BATCH = 20;

export async function run({
  requests = Number(process.env.REQUESTS || 20000),
  connections = Number(process.env.CONNECTIONS || 10),
  log = console.log,
} = {}) {
  const REQUESTS = requests;
  const CONNECTIONS = connections;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-'));
  mkdirSync(path.join(dir, 'site'));
  const dbFile = path.join(dir, 'events.db');

  const child = spawn(
    process.execPath,
    [path.join(root, 'dist/cli.js'), 'serve', 'site', '--port', '0', '--db', dbFile],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) =>
      reject(new Error(`tailor serve exited with ${code} (run "npm run build" first?)`)),
    );
  });

  let seq = 0;
  const batch = () => {
    const now = Date.now();
    const events = [];
    for (let i = 0; i < PER_BATCH; i++) {
      const n = ++seq;
      const visitor = `visitor-${n % 50000}`;
      events.push(
        n % 4
          ? {
              id: `bench-${String(n).padStart(16, '0')}`,
              type: 'exposure',
              ts: now,
              visitor,
              session: `${visitor}.1`,
              path: '/products/shoes',
              experience: `exp-${n % 10}`,
              variant: n % 2 ? 'b' : 'control',
            }
          : {
              id: `bench-${String(n).padStart(16, '0')}`,
              type: 'conversion',
              ts: now,
              visitor,
              session: `${visitor}.1`,
              path: '/thank-you',
              goal: 'purchase',
              value: 42,
              assignments: { 'exp-1': 'b', 'exp-2': 'control' },
              segments: ['returning', 'from-email'],
            },
      );
    }
    return JSON.stringify({ v: 1, site: 'bench', sent: now, events });
  };

  log(
    `tailor collector benchmark: ${REQUESTS} batches × ${PER_BATCH} events, ${CONNECTIONS} connections, Node ${process.version}, ${os.cpus()[0]?.model} × ${os.cpus().length}`,
  );
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount: REQUESTS,
    requests: [
      {
        method: 'POST',
        path: '/collect',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        setupRequest: (req) => ({ ...req, body: batch() }),
      },
    ],
  });

  const ok = result['2xx'];
  const seconds = (result.finish - result.start) / 1000;
  const db = new Database(dbFile, { readonly: true });
  const rows = db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
  db.close();
  child.kill('SIGTERM');

  const sent = ok * PER_BATCH;
  log(
    `batches: ${ok} answered 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts in ${seconds.toFixed(2)} s`,
  );
  log(
    `throughput: ${Math.round(sent / seconds).toLocaleString('en')} events/s (${Math.round(ok / seconds).toLocaleString('en')} batches/s)`,
  );
  log(
    `latency per batch: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  log(
    `row check: ${rows} rows in SQLite, ${sent} events acknowledged → ${rows === sent ? 'OK' : 'MISMATCH'}`,
  );
  rmSync(dir, { recursive: true, force: true });
  return {
    batches: REQUESTS,
    eventsPerBatch: PER_BATCH,
    connections: CONNECTIONS,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(sent / seconds),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    rowCheck: rows === sent ? 'OK' : `MISMATCH (${rows} rows, ${sent} acknowledged)`,
    growthbook: 'n/a (no collector)',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  if (r.rowCheck !== 'OK' || r.ok !== r.batches) process.exitCode = 1;
}
