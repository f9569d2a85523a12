/** Process wiring of the `tailor` command (dist/cli.js). */
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { main } from './cli';
import { isReportWorkerData, runReportWorker } from './report-worker';

if (!isMainThread && parentPort && isReportWorkerData(workerData)) {
  // This same file, started by `tailor serve` as its report worker thread.
  runReportWorker(workerData, parentPort);
} else {
  main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    env: process.env,
    workerEntry: fileURLToPath(import.meta.url),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      // A bug in the CLI still gets a one-line message, not a stack trace.
      process.stderr.write(`tailor: ${(e as Error)?.message || e}\n`);
      process.exitCode = 1;
    },
  );
}
