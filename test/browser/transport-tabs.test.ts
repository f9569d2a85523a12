import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import type { TestServer } from './server';
import { queued, ready, servePage, track } from './transport-pages';

// Two tabs of a site share the persisted queue (tlr_queue): neither may write its own copy over
// the other's events. Two tabs are two pages of one browser context (one localStorage).

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

describe.each(['503', 'offline'])('two tabs, collector %s, both closed, a later visit', (mode) => {
  it('every one of the 18 events reaches the collector', {
    timeout: 40_000,
  }, async () => {
    const c = createCollector(server);
    c.setDefault(503);
    const path = servePage(server, { version: 1, site: `tabs-${mode}` }, c.path);
    const context = await browser.newContext();
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(`${server.url}${path}`);
      await ready(tab);
    }
    if (mode === 'offline') await context.setOffline(true);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++)
      for (const [k, tab] of tabs.entries()) {
        const [id] = await track(tab, 1);
        ids.push(id!);
        // The other tab sees this write before making its own: localStorage reaches other tabs
        // a moment later, and a write within that moment is the race left between tabs.
        await tabs[1 - k]!.waitForFunction(
          (id) => JSON.parse(localStorage.tlr_queue || '{"e":[]}').e.some((e: { id: string }) => e.id === id),
          id,
          { timeout: 5000 },
        );
      }
    expect(new Set(ids).size).toBe(18);
    if (mode === '503') {
      // The 5 s flush is answered 503: the backoff is written by read-merge-write too.
      await c.until((c) => c.requests.length >= 1, 10_000, 'the first 503');
      await tabs[0]!.waitForFunction(() => JSON.parse(localStorage.tlr_queue).n >= 1);
    }
    for (const tab of tabs) {
      // With runBeforeUnload, close() does not wait for the page to be gone.
      const closed = tab.waitForEvent('close');
      await tab.close({ runBeforeUnload: true });
      await closed;
    }
    if (mode === 'offline') {
      await context.setOffline(false);
      expect(c.requests).toEqual([]);
    }
    c.setDefault(204);
    const later = await context.newPage();
    await later.goto(`${server.url}${path}`);
    await ready(later);
    await c.until((c) => ids.every((id) => c.ids(true).has(id)), 20_000, 'all 18 events accepted');
    await later.waitForFunction(() => JSON.parse(localStorage.tlr_queue).e.length === 0);
    expect(await queued(later)).toEqual([]);
    await context.close();
  });
});
