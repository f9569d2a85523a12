import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type TestServer } from './server';

export const INSTALL_HINT =
  'Chromium is needed for the browser suite. Install it with "apt-get update && apt-get install -y chromium" ' +
  '(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable.';

/** The system Chromium: `$CHROMIUM_PATH`, else /usr/bin/chromium. Never downloads a browser. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}. ${INSTALL_HINT}`);
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
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
