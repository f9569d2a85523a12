/**
 * How much slower than an idle machine this run may be: every time budget of the suites (test
 * and hook timeouts, Playwright's action and navigation timeouts, waits for a condition) is
 * multiplied by it. `npm run test:stress` sets it while it keeps every core busy.
 */
export const SLOWDOWN = Math.max(1, Number(process.env.TAILOR_TEST_SLOWDOWN) || 1);

/** A time budget (a test's timeout, a wait for a condition), scaled for a loaded machine. Never a sleep. */
export const budget = (ms: number): number => ms * SLOWDOWN;
