import type { Page } from 'playwright-core';
import type { TestServer } from './server';

/** Pages and helpers shared by the transport-*.test.ts files (queue, clocks, leaving). */

let pages = 0;

/** Records the events the page sees in `__ev` (through the command queue, before the tag). */
const RECORD = `<script>window.__ev=[];window.tailor=window.tailor||[];
tailor.push(function(t){t.on('conversion',function(e){__ev.push(e)});t.on('exposure',function(e){__ev.push(e)})});</script>`;

/** Serves a page with `manifest` inline and dist/tailor.min.js sending to `endpoint`; returns its path. */
export function servePage(
  server: TestServer,
  manifest: Record<string, unknown>,
  endpoint: string,
  path = `/transport-${++pages}.html`,
): string {
  server.page(
    path,
    `<!doctype html><html><head><title>${path}</title>${RECORD}
    <script type="application/json" id="tailor-manifest">${JSON.stringify(manifest)}</script>
    <script src="/dist/tailor.min.js" data-endpoint="${endpoint}"></script></head>
    <body><h1 id="hero">Hello</h1></body></html>`,
  );
  return path;
}

type W = Window & {
  tailor: { track(name: string): void; context(): unknown };
  __ev: { id: string; type: string }[];
};

/** Resolves once the tag has started in the page. */
export const ready = (page: Page) =>
  page.waitForFunction(() => typeof (window as unknown as W).tailor?.context === 'function');

/** Calls `track()` `n` times in the page; returns the event ids. */
export const track = (page: Page, n: number) =>
  page.evaluate((n) => {
    const w = window as unknown as W;
    const before = w.__ev.length;
    for (let i = 0; i < n; i++) w.tailor.track(`evt${i}`);
    return w.__ev.slice(before).map((e) => e.id);
  }, n);

/** Ids of the events in the page's `tlr_queue`. */
export const queued = (page: Page) =>
  page.evaluate(() =>
    (JSON.parse(localStorage.getItem('tlr_queue') || '{"e":[]}').e as { id: string }[]).map((e) => e.id),
  );
