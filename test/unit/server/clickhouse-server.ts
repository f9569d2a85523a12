// A real ClickHouse server for the tests: its own temp folder, a config of a dozen lines, HTTP on
// a free loopback port (no native TCP port, no interserver port), started and stopped per file.
// `.ci/run` installs Debian's clickhouse-server; `hasClickHouse` is false where neither
// `clickhouse-server` nor `clickhouse` (the single binary of current releases) is installed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const DIRS = (process.env.PATH || '')
  .split(path.delimiter)
  .concat(['/usr/sbin', '/usr/bin', '/usr/local/bin']);
const find = (name: string) => DIRS.map((d) => path.join(d, name)).find((f) => existsSync(f));

/** How to start a server: [binary, leading args]. */
const command: [string, string[]] | null = (() => {
  const server = find('clickhouse-server');
  if (server) return [server, []];
  const single = find('clickhouse');
  return single ? [single, ['server']] : null;
})();

export const hasClickHouse = command !== null;

export interface ClickHouse {
  port: number;
  /** clickhouse://default@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** Runs one statement over HTTP; resolves with the response text. */
  query(sql: string): Promise<string>;
  stop(): Promise<void>;
  /** Stops the server, keeping its data (a ClickHouse outage). */
  halt(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it answers. */
  resume(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function http(port: number, method: string, sql?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path: sql ? '/' : '/ping' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode || 0, body }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(sql);
  });
}

/** Starts a server and waits (polling /ping, up to `deadline` ms) until it answers. */
export async function startClickHouse(deadline = 60_000): Promise<ClickHouse> {
  if (!command) throw new Error('no clickhouse-server installed');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-clickhouse-'));
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'config.xml'),
    `<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${port}</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <mark_cache_size>67108864</mark_cache_size>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <profiles><default/></profiles>
  <quotas><default/></quotas>
</yandex>
`,
  );
  const [bin, lead] = command;
  let output = '';
  let child!: ChildProcess;
  let exited!: Promise<void>;
  const launch = async () => {
    child = spawn(bin, [...lead, `--config-file=${dir}/config.xml`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => {
      output += d;
    });
    child.stderr!.on('data', (d) => {
      output += d;
    });
    const c = child;
    exited = new Promise<void>((r) => c.once('exit', () => r()));
    const until = Date.now() + deadline;
    for (;;) {
      if ((await http(port, 'GET')).status === 200) return;
      if (c.exitCode !== null || Date.now() > until) {
        await halt();
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`clickhouse-server did not start on port ${port}: ${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  };
  await launch();
  return {
    port,
    url: (database) => `clickhouse://default@127.0.0.1:${port}/${database}`,
    async query(sql) {
      const r = await http(port, 'POST', sql);
      if (r.status !== 200) throw new Error(`ClickHouse ${r.status}: ${r.body.slice(0, 500)}`);
      return r.body;
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    halt,
    resume: launch,
  };
}
