// Load benchmark of the collector (docs/collector.md), not part of npm test: `npm run bench:collector`.
// Starts the built `tailor serve` (dist/cli.js) on loopback with a fresh SQLite file, sends
// batches of 20 events with unique ids through autocannon, prints events/s and the latency
// percentiles, and checks that the database holds exactly one row per event answered 2xx.
//
// Then, on the store that run filled, it measures what report polling costs ingestion: the same
// ingest load twice, alone and with a client polling /api/report back to back (reports run in a
// worker thread, so ingest p99 should stay far below a report's duration; target < 50 ms).
//
// Options (environment): REQUESTS (default 20000 batches), CONNECTIONS (default 10),
// POLL_REQUESTS (default 4000 batches per report-polling phase).
//
// Then the scale-out table (test/bench/collector-scale.mjs): SQLite and ClickHouse, one and two
// collectors, DURATION seconds each (default 20), events/s and p99 side by side.
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
  pollRequests = Number(process.env.POLL_REQUESTS || 4000),
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
  const ingest = (amount) =>
    autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      amount,
      requests: [
        {
          method: 'POST',
          path: '/collect',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          setupRequest: (req) => ({ ...req, body: batch() }),
        },
      ],
    });
  const result = await ingest(REQUESTS);

  // Report polling against ingestion, on the store the first run filled.
  const alone = await ingest(pollRequests);
  let polling = true;
  const reportMs = [];
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/report?site=bench`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/api/report answered ${res.status}`);
      reportMs.push(performance.now() - t);
    }
  })();
  const polled = await ingest(pollRequests);
  polling = false;
  await poller;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;

  const ok = result['2xx'] + alone['2xx'] + polled['2xx'];
  const seconds = (result.finish - result.start) / 1000;
  const db = new Database(dbFile, { readonly: true });
  const rows = db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
  db.close();
  child.kill('SIGTERM');

  const sent = ok * PER_BATCH;
  const first = result['2xx'];
  log(
    `batches: ${first} answered 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts in ${seconds.toFixed(2)} s`,
  );
  log(
    `throughput: ${Math.round((first * PER_BATCH) / seconds).toLocaleString('en')} events/s (${Math.round(first / seconds).toLocaleString('en')} batches/s)`,
  );
  log(
    `latency per batch: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  log(
    `row check: ${rows} rows in SQLite, ${sent} events acknowledged → ${rows === sent ? 'OK' : 'MISMATCH'}`,
  );
  const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  log(
    `ingest alone (${pollRequests} batches, ${rows.toLocaleString('en')} events stored): p50 ${alone.latency.p50} ms, p99 ${alone.latency.p99} ms`,
  );
  log(
    `ingest while polling /api/report: p50 ${polled.latency.p50} ms, p99 ${polled.latency.p99} ms (${reportMs.length} reports, median ${Math.round(median(reportMs) ?? 0)} ms each); p99 ratio ${ratio(polled.latency.p99, alone.latency.p99)}× → ${polled.latency.p99 < 50 ? 'OK (< 50 ms)' : 'over the 50 ms target'}`,
  );
  rmSync(dir, { recursive: true, force: true });
  return {
    batches: REQUESTS,
    eventsPerBatch: PER_BATCH,
    connections: CONNECTIONS,
    ok,
    non2xx: result.non2xx + alone.non2xx + polled.non2xx,
    errors: result.errors + alone.errors + polled.errors,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round((first * PER_BATCH) / seconds),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    rowCheck: rows === sent ? 'OK' : `MISMATCH (${rows} rows, ${sent} acknowledged)`,
    reportPolling: {
      alone: { p50: alone.latency.p50, p99: alone.latency.p99 },
      polled: { p50: polled.latency.p50, p99: polled.latency.p99 },
      reports: reportMs.length,
      reportMedianMs: Math.round(median(reportMs) ?? 0),
    },
    growthbook: 'n/a (no collector)',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  if (r.rowCheck !== 'OK' || r.non2xx || r.errors) process.exitCode = 1;
  // SQLite and ClickHouse, one and two collectors, side by side (test/bench/collector-scale.mjs).
  const { scaleOut } = await import('./collector-scale.mjs');
  const runs = await scaleOut();
  if (runs.some((x) => !x.ok)) process.exitCode = 1;
}
