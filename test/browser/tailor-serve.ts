import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { budget } from './chromium';
import { ROOT } from './server';

export interface TailorServe {
  /** `http://127.0.0.1:<port>`, the port the child chose (`--port 0`). */
  url: string;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  /** GET `path` as JSON. */
  json<T = unknown>(path: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Runs the real `tailor serve` (dist/cli.js) as a child process, with a fresh SQLite file in a
 * temporary folder, on a free port, and resolves once its startup line names that port.
 */
export async function startTailorServe(args: string[]): Promise<TailorServe> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tailor-serve-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/cli.js', 'serve', ...args, '--port', '0', '--db', path.join(dir, 'events.db')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    // A budget for start-up, scaled on a loaded machine; it fails the test instead of hanging it.
    const timer = setTimeout(
      () => reject(new Error(`tailor serve did not start:\n${output}`)),
      budget(30_000),
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tailor serve exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    async json<T>(p: string) {
      const res = await fetch(url + p);
      if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
      return (await res.json()) as T;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** One experience of the docs/collector.md report. */
export interface ReportExperience {
  id: string;
  variants: { id: string; exposed: number; goals: Record<string, { converted: number }> }[];
}
export interface Report {
  site: string;
  experiences: ReportExperience[];
  program: { personalized: { visitors: number }; holdout: { visitors: number } };
}

/** Distinct visitors exposed to `experience` (all variants), from a report. */
export const exposed = (r: Report, experience: string): number =>
  (r.experiences.find((e) => e.id === experience)?.variants || []).reduce((n, v) => n + v.exposed, 0);

/** Converting visitors of `experience` (all variants) for `goal`, from a report. */
export const converted = (r: Report, experience: string, goal: string): number =>
  (r.experiences.find((e) => e.id === experience)?.variants || []).reduce(
    (n, v) => n + (v.goals[goal]?.converted || 0),
    0,
  );
