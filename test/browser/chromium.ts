import { type Browser, type BrowserContext, chromium, type LaunchOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { BASE_ARGS, type ResolvedChromium } from '../../scripts/chromium.mjs';
import { startServer, type TestServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The browser that global-setup found (and unpacked, for the npm-delivered one), once per run. */
    chromium: ResolvedChromium;
  }
}

import { budget } from '../budget';

export { budget, SLOWDOWN } from '../budget';

/**
 * Only for checks that something does NOT happen (no request, no chunk, no retry, no second
 * report): there is no event to wait for, so a wrong one gets this long to show up, scaled on a
 * loaded machine. Everything else waits for its condition.
 */
export const grace = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, budget(ms)));

/** The resolved browser (see scripts/chromium.mjs for the order). */
export function resolvedChromium(): ResolvedChromium {
  return inject('chromium');
}

/** Launches the resolved Chromium; `options` adds flags or drops Playwright defaults for one test. */
export async function launchChromium(
  options: Pick<LaunchOptions, 'args' | 'ignoreDefaultArgs'> = {},
): Promise<Browser> {
  const found = resolvedChromium();
  const browser = await chromium.launch({
    executablePath: found.executablePath,
    args: [...BASE_ARGS, ...found.args, ...(options.args ?? [])],
    ignoreDefaultArgs: options.ignoreDefaultArgs,
    env: { ...process.env, ...found.env },
    timeout: budget(30_000),
  });
  // Playwright's 30 s action and navigation timeouts, scaled like the rest; browser.newPage()
  // goes through newContext(), so every page of the suite gets them.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>): Promise<BrowserContext> => {
    const context = await newContext(...args);
    context.setDefaultTimeout(budget(30_000));
    return context;
  };
  return browser;
}

/** A page whose console errors and uncaught page errors are collected in `errors`. */
export async function newPage(browser: Browser): Promise<Page & { errors: string[] }> {
  const page = (await browser.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  return page;
}

/**
 * One Chromium and one test server per test file, started before its tests and closed after;
 * `set` receives them (the file keeps them in its own variables).
 */
export function useChromiumAndServer(set: (browser: Browser, server: TestServer) => void): void {
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startServer()]);
    set(browser, server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

/**
 * The runtime's own refusals, without the validator the tags load after the first paint for an
 * unpublished manifest (tailor.check.js, which reports and drops more: check-chunk.test.ts):
 * for tests of manifests broken on purpose, where what is tested is what the runtime does alone,
 * as it does for a published manifest. The chunk is answered by one that checks nothing (whatever
 * its export is called after minification).
 */
export async function runtimeOnly(page: Page): Promise<void> {
  await page.route('**/tailor.check.js', (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: "window.tailorChunk('check', new Proxy({}, { get: function () { return function () {}; } }));",
    }),
  );
}

/**
 * The page is hidden, as a tab switch or leaving it hides it (`visibilitychange` to hidden, what
 * Tailor listens to), then visible again without an event: Tailor flushes with sendBeacon.
 */
export const hidePage = (page: Page): Promise<void> =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    delete (document as { visibilityState?: unknown }).visibilityState;
  });
