// The real `tailor serve` (the built dist/cli.js) as a child process on a free loopback port, and
// a raw HTTP client that sends paths and bodies exactly as given (no URL normalization).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Agent, request } from 'node:http';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export interface Serve {
  child: ChildProcess;
  port: number;
  /** stdout and stderr so far. */
  output(): string;
  /** Stops the child (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Starts `node dist/cli.js serve …args` in `cwd`; resolves once its startup line names the port. */
export function startServe(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Serve> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run "npm run build" first');
  const env = { ...process.env, ...options.env };
  if (!options.env?.TAILOR_REPORT_TOKEN) delete env.TAILOR_REPORT_TOKEN;
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /on http:\/\/[^/]*:(\d+)\//.exec(out);
      if (m)
        resolve({
          child,
          port: Number(m[1]),
          output: () => out,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
            running.delete(child);
          },
        });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tailor serve exited with ${code}: ${out.trim()}`)));
  });
}

/** Kills every child still running (afterAll). */
export function killAll(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  running.clear();
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection; resolves with status 0 when the connection fails. */
export function raw(
  port: number,
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<Reply> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path: url, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    if (body !== undefined) req.setHeader('content-length', Buffer.byteLength(body));
    req.end(body);
  });
}

/** A valid exposure event. */
let seq = 0;
export function exposure(visitor: string, extra: Record<string, unknown> = {}) {
  return {
    id: `evt-${process.pid}-${String(++seq).padStart(12, '0')}`,
    type: 'exposure',
    ts: 1_763_900_000_000,
    visitor,
    session: `${visitor}.1`,
    path: '/',
    experience: 'hero',
    variant: seq % 2 ? 'b' : 'control',
    ...extra,
  };
}

export const batchOf = (site: string, events: unknown[]) =>
  JSON.stringify({ v: 1, site, sent: 1_763_900_000_000, events });

/**
 * `tailor serve` in this process (`main` from src/server/cli.ts) on a free loopback port, for
 * tests that read the report as served. `done` is the command's exit code once `server` closes.
 */
export async function serveInProcess(
  argv: string[],
  cwd: string,
): Promise<{ server: import('node:http').Server; port: number; done: Promise<number> }> {
  const { main } = await import('../../../src/server/cli');
  let done!: Promise<number>;
  const server = await new Promise<import('node:http').Server>((resolve) => {
    done = main(['serve', ...argv, '--port', '0'], {
      out() {},
      err: (l) => console.error(l),
      cwd,
      onServer: resolve,
    });
  });
  const a = server.address();
  return { server, port: typeof a === 'object' && a ? a.port : 0, done };
}
