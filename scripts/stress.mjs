// `npm run test:stress`: the whole `npm test` while every core is kept busy, to find tests that
// depend on the speed of the machine (they fail here first). One busy-loop process per core;
// each is killed at the end, whatever the outcome, and exits by itself if this script dies.
// TAILOR_TEST_SLOWDOWN (default 3 here) scales the suites' time budgets: a loaded machine may
// be slower, and a test that waits for a condition only takes longer.
import { spawn } from 'node:child_process';
import os from 'node:os';

const cores = os.availableParallelism();
const slowdown = process.env.TAILOR_TEST_SLOWDOWN || '3';

// Spins in slices and checks between them that its parent is still this script.
const BURN = `const parent = process.ppid;
for (;;) {
  const t = Date.now();
  while (Date.now() - t < 200) {}
  if (process.ppid !== parent) process.exit(0);
}`;
const burners = Array.from({ length: cores }, () =>
  spawn(process.execPath, ['-e', BURN], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const b of burners) if (b.exitCode === null) b.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

console.log(
  `test:stress: ${cores} CPU burner(s) running, TAILOR_TEST_SLOWDOWN=${slowdown}; running npm test`,
);
const started = Date.now();
const test = spawn('npm', ['test'], {
  stdio: 'inherit',
  env: { ...process.env, TAILOR_TEST_SLOWDOWN: slowdown },
});
test.on('exit', (code, signal) => {
  stopBurners();
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const status = signal ? `killed by ${signal}` : `exit status ${code}`;
  console.log(
    `test:stress: npm test ${code === 0 ? 'passed' : 'FAILED'} in ${seconds} s (${status}) with ${cores} core(s) busy`,
  );
  process.exit(code ?? 1);
});
