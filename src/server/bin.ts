/** Process wiring of the `tailor` command (dist/cli.js). */
import { main } from './cli';

main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  cwd: process.cwd(),
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
