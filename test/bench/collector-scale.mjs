// Scale-out benchmark of the collector (docs/deployment.md), part of `npm run bench:collector`:
// the built `tailor serve` with SQLite and with ClickHouse (a clickhouse-server started here on
// a free loopback port), one and two collectors, autocannon against each collector for
// DURATION seconds (default 20) with CONNECTIONS connections per collector (default 10), batches
// of 20 events with unique ids. Prints events/s and latency side by side, and checks every
// event acknowledged (204) is stored, and that the store holds no more than was acknowledged
// (acked = stored); a last run kills one of two ClickHouse collectors with SIGKILL halfway and
// checks no acknowledged event is lost.
//
// Two collectors on one SQLite file is possible (SQLite locks the file between processes) but
// is one machine by definition; it is measured to show what the lock costs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PER_BATCH = 20;

const DIRS = (process.env.PATH || '')
  .split(path.delimiter)
  .concat(['/usr/sbin', '/usr/bin', '/usr/local/bin']);
const find = (name) => DIRS.map((d) => path.join(d, name)).find((f) => existsSync(f));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function http(port, sql) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: sql ? 'POST' : 'GET', path: sql ? '/' : '/ping' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(sql);
  });
}

/** A clickhouse-server in a temp folder on a free loopback port (HTTP only), or null when none is installed. */
async function startClickHouse(dir) {
  const server = find('clickhouse-server');
  const single = server ? null : find('clickhouse');
  if (!server && !single) return null;
  const port = await freePort();
  const home = path.join(dir, 'clickhouse');
  mkdirSync(home, { recursive: true });
  writeFileSync(
    path.join(home, 'config.xml'),
    `<yandex>
  <logger><level>warning</level><log>${home}/server.log</log><errorlog>${home}/error.log</errorlog></logger>
  <http_port>${port}</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${home}/data/</path>
  <tmp_path>${home}/tmp/</tmp_path>
  <user_files_path>${home}/user_files/</user_files_path>
  <mark_cache_size>67108864</mark_cache_size>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <profiles><default/></profiles>
  <quotas><default/></quotas>
</yandex>
`,
  );
  const child = spawn(server || single, [...(server ? [] : ['server']), `--config-file=${home}/config.xml`], {
    cwd: home,
    stdio: 'ignore',
  });
  const until = Date.now() + 60_000;
  while ((await http(port)).status !== 200) {
    if (child.exitCode !== null || Date.now() > until) throw new Error('clickhouse-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const version = (await http(port, 'SELECT version()')).body.trim();
  return {
    port,
    version,
    url: (db) => `clickhouse://default@127.0.0.1:${port}/${db}`,
    query: async (sql) => {
      const r = await http(port, sql);
      if (r.status !== 200) throw new Error(`ClickHouse ${r.status}: ${r.body.slice(0, 300)}`);
      return r.body;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function startServe(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'dist/cli.js'), 'serve', 'site', '--port', '0', ...args],
      {
        cwd,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) =>
      reject(new Error(`tailor serve exited with ${code} (run "npm run build" first?)`)),
    );
  });
}

let seq = 0;
/** Every id sent in the current phase. */
let sent = new Set();
function batch(context) {
  const now = Date.now();
  const events = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const n = ++seq;
    const visitor = `visitor-${n % 50000}`;
    const id = `scale-${String(n).padStart(16, '0')}`;
    events.push(
      n % 4
        ? {
            id,
            type: 'exposure',
            ts: now,
            visitor,
            session: `${visitor}.1`,
            path: '/products/shoes',
            experience: `exp-${n % 10}`,
            variant: n % 2 ? 'b' : 'control',
          }
        : {
            id,
            type: 'conversion',
            ts: now,
            visitor,
            session: `${visitor}.1`,
            path: '/thank-you',
            goal: 'purchase',
            value: 42,
            assignments: { 'exp-1': 'b', 'exp-2': 'control' },
            segments: ['returning'],
          },
    );
  }
  context.ids = events.map((e) => e.id);
  for (const id of context.ids) sent.add(id);
  return JSON.stringify({ v: 1, site: 'bench', sent: now, events });
}

/** One configuration: `collectors` processes on one store, autocannon on each for `duration` s. */
async function phase({ name, store, collectors, duration, connections, kill, dir, read }) {
  const serves = [];
  sent = new Set();
  for (let i = 0; i < collectors; i++) serves.push(await startServe(store, dir));
  const acked = [];
  const runs = serves.map(({ port }) =>
    autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration,
      requests: [
        {
          method: 'POST',
          path: '/collect',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          setupRequest: (req, context) => ({ ...req, body: batch(context) }),
          onResponse: (status, _body, context) => {
            if (status === 204) acked.push(...context.ids);
          },
        },
      ],
    }),
  );
  let killedAt = null;
  if (kill) {
    await new Promise((r) => setTimeout(r, (duration * 1000) / 2));
    killedAt = acked.length;
    serves[0].child.kill('SIGKILL');
  }
  const results = await Promise.all(runs);
  for (const s of serves)
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await Promise.all(
    serves.map((s) =>
      s.child.exitCode === null && s.child.signalCode === null
        ? new Promise((r) => s.child.once('exit', r))
        : null,
    ),
  );
  const stored = await read();
  const missing = acked.filter((id) => !stored.has(id)).length;
  const seconds = Math.max(...results.map((r) => (r.finish - r.start) / 1000));
  return {
    name,
    collectors,
    eventsPerSecond: Math.round(acked.length / seconds),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    acked: acked.length,
    stored: stored.size,
    failed: results.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
    missing,
    killedAt,
    // Stored beyond the acknowledged: batches in flight when autocannon stopped (at most one per
    // connection), and with a kill the batches whose INSERT finished before it but whose answer
    // never left. Never an id that was not sent.
    unsent: [...stored].filter((id) => !sent.has(id)).length,
    ok:
      missing === 0 &&
      [...stored].every((id) => sent.has(id)) &&
      (kill || stored.size - acked.length <= collectors * connections * PER_BATCH),
  };
}

export async function scaleOut({
  duration = Number(process.env.DURATION || 20),
  connections = Number(process.env.CONNECTIONS || 10),
  log = console.log,
} = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-scale-'));
  mkdirSync(path.join(dir, 'site'));
  const Database = require('better-sqlite3');
  const sqliteIds = (file) => () => {
    const db = new Database(file, { readonly: true });
    const ids = new Set(db.prepare('SELECT id FROM events').pluck().all());
    db.close();
    return ids;
  };
  const ch = await startClickHouse(dir);
  const chIds = (db) => async () =>
    new Set((await ch.query(`SELECT id FROM ${db}.tailor_events FINAL`)).trim().split('\n').filter(Boolean));
  log(
    `\nScale-out: ${duration} s per run, ${connections} connections per collector, batches of ${PER_BATCH} events; ClickHouse ${ch ? ch.version : 'not installed'}, ${os.cpus().length} CPUs (load generator, collectors and store on one machine)`,
  );
  const runs = [];
  const common = { duration, connections, dir };
  try {
    for (const collectors of [1, 2]) {
      const file = path.join(dir, `sqlite-${collectors}.db`);
      runs.push(
        await phase({ ...common, name: 'SQLite', collectors, store: ['--db', file], read: sqliteIds(file) }),
      );
    }
    if (ch) {
      for (const collectors of [1, 2])
        runs.push(
          await phase({
            ...common,
            name: 'ClickHouse',
            collectors,
            store: ['--store', ch.url(`bench_${collectors}`)],
            read: chIds(`bench_${collectors}`),
          }),
        );
      runs.push(
        await phase({
          ...common,
          name: 'ClickHouse, kill -9 of one at half time',
          collectors: 2,
          kill: true,
          store: ['--store', ch.url('bench_kill')],
          read: chIds('bench_kill'),
        }),
      );
    }
  } finally {
    await ch?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const pad = (s, n) => String(s).padEnd(n);
  const num = (n) => n.toLocaleString('en');
  log(
    `${pad('store', 40)}${pad('collectors', 12)}${pad('events/s', 11)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('acked', 11)}${pad('stored', 11)}check`,
  );
  for (const r of runs)
    log(
      `${pad(r.name, 40)}${pad(r.collectors, 12)}${pad(num(r.eventsPerSecond), 11)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(num(r.acked), 11)}${pad(num(r.stored), 11)}${r.ok ? 'OK' : 'MISMATCH'} (${r.missing} acked not stored, ${r.unsent} never sent${r.failed ? `, ${r.failed} requests failed` : ''})`,
    );
  if (!ch)
    log(
      'ClickHouse runs skipped: no clickhouse-server or clickhouse binary installed (apt-get install clickhouse-server)',
    );
  log(
    'p50/p99: per batch, the worse of the collectors when there are two. stored − acked: batches in flight when the load stopped (or cut by the kill)',
  );
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = await scaleOut();
  if (runs.some((r) => !r.ok)) process.exitCode = 1;
}
