/**
 * The script-tag entry (IIFE only; never part of the npm module graph, so the package's
 * `"sideEffects": false` holds). Reads the tag's `data-*` attributes, finds the manifest
 * (inline, cached or remote), drains the command queue and installs `window.tailor` (docs/api.md#script-tag).
 */

import { loadChunk, setChunkBase } from './chunk';
import type { Logger } from './debug/log';
import { createLogger } from './debug/log';
import type { ConsentState, Tailor, TailorOptions } from './manifest/types';
// The tags' build swaps in the compact guard (rollup.config.mjs).
import { validateManifest } from './manifest/validate';
import { addStyle } from './render/style';
import { createTailor, persists } from './runtime';

type Command = unknown[] | ((t: Tailor) => void);
type TagApi = Tailor & { push(...commands: Command[]): number };

const CACHE_KEY = 'tlr_manifest';
/** A manifest request that has not answered by then has failed: the page gets the API. */
const FETCH_TIMEOUT = 10_000;

function boot(): void {
  const w = window as unknown as { tailor?: unknown };
  // An element with id or name "tailor" shows through `window.tailor` as a named property, never
  // an own one: only what the page or an earlier tag assigned counts. A second copy of the tag
  // on the page must not start a second instance.
  const given = Object.hasOwn(w, 'tailor') && w.tailor;
  if (given && !Array.isArray(given)) return;
  // The queue stays on `window.tailor` until start: commands pushed while a remote manifest
  // loads (e.g. by the debug view) are drained with the others.
  const queue = (given || []) as Command[];
  w.tailor = queue;
  // Markup a page lets visitors post (`<img name="currentScript">`, `<div id="tailor-manifest">`,
  // `data-*` on any element) must never choose the manifest, the endpoint or where the debug
  // view loads from (see docs/security.md). `document`'s named properties shadow its own
  // members, so they are read through Document.prototype; and only a real `<script>` counts
  // (an attacker who can add one runs code anyway).
  const D = Document.prototype;
  const find = (selector: string) => D.querySelector.call(document, selector);
  const found =
    Reflect.get(D, 'currentScript', document) || find('script[data-manifest],script[src*="tailor"]');
  const script = found instanceof HTMLScriptElement ? found : null;
  setChunkBase(script);
  const data = script?.dataset || {};
  // `?tailor_debug=1`: the debug view (loaded lazily, below) and console logging.
  const debugView = /[?&]tailor_debug=1(&|$)/.test(location.search);
  const debug = data.debug !== undefined || debugView;
  const log = createLogger(debug);
  const inline = find('script#tailor-manifest[type="application/json"]');
  const url = data.manifest;
  /** Why there is no manifest, reported through `on('error')` (and the console with debug). */
  let problem: string | undefined =
    inline || url
      ? undefined
      : 'no manifest: add <script type="application/json" id="tailor-manifest"> or data-manifest to the tag';
  const failed = (message: string) => {
    problem = message;
    log('error', message);
    return null;
  };

  let manifest: unknown;
  let fresh: Promise<unknown> | null = null;
  if (inline) {
    try {
      manifest = JSON.parse(inline.textContent!); // an element's text is never null
    } catch (e) {
      manifest = failed(`the manifest in #tailor-manifest is not valid JSON: ${(e as Error).message}`);
    }
  } else if (url) {
    const cached = readCache(url);
    fresh = fetchManifest(url).catch((e) =>
      failed(`could not load the manifest from ${url}: ${e?.message || e}`),
    );
    manifest = cached;
  }

  // Uncached remote manifest: hide only the elements marked as slots, never the page, until
  // the decision is rendered or `data-hide-timeout` passes (docs/experiences.md#rendering).
  let unhide = () => {};
  if (manifest === undefined && fresh) {
    // Whichever comes first reveals them (removing the style again removes nothing).
    unhide = addStyle(document, '[data-tailor-slot]{visibility:hidden!important}');
    const ms = Number(data.hideTimeout);
    setTimeout(unhide, data.hideTimeout && ms >= 0 ? ms : 800);
  }
  let api: TagApi | null = null;
  // The manifest is cached only when the instance may store (consent, never for crawlers: the
  // cache is a `tlr_` key like any other) and only when it can run: a broken answer never
  // replaces the last good copy.
  const cache = (m: unknown) => {
    if (m && api && persists(api) && validateManifest(m).manifest) writeCache(url!, m);
  };

  // No manifest (none given, or it failed to load or parse): an empty one, so nothing renders.
  const start = (m: unknown) => {
    const options: TailorOptions & { _problem?: string; _rendered?: () => void } = {
      manifest: m,
      // Only ever set when there is no manifest (none given, or it failed to load or parse).
      _problem: problem,
      debug,
      endpoint: data.endpoint,
      country: data.country,
      consent: data.consent as ConsentState | undefined,
      // Slots are revealed with the first DOM change; storage and events follow a task later.
      _rendered: unhide,
    };
    const t = createTailor(options);
    const a = t as TagApi;
    api = a;
    a.push = (...commands: Command[]) => {
      for (const c of commands) run(a, c, log);
      return 0;
    };
    w.tailor = a;
    for (const c of queue) run(a, c, log);
    return a.start().finally(unhide);
  };

  if (manifest !== undefined || !fresh) {
    // Inline or cached: decide now, synchronously in <head>; refresh the cache for next time.
    const ready = start(manifest);
    if (fresh) Promise.all([fresh, ready]).then(([m]) => cache(m));
  } else {
    fresh.then((m) => start(m).then(() => cache(m)));
  }
  // `tailor.debug.js`, like every chunk only from the verified tag's own address: without one
  // (an inline tag) nothing is requested and the console says why.
  if (debugView) loadChunk('debug').catch((e) => log('error', 'could not load the debug view', e));
}

/** Runs one queued command; a throwing command never stops the others (docs/api.md#script-tag). */
function run(api: Tailor, command: Command, log: Logger): void {
  try {
    if (typeof command === 'function') command(api);
    else if (Array.isArray(command) && typeof command[0] === 'string') {
      const method =
        Object.hasOwn(api, command[0]) && (api as unknown as Record<string, unknown>)[command[0]];
      if (typeof method === 'function') method.apply(api, command.slice(1));
      else log('warn', `unknown command "${command[0]}"`);
    }
  } catch (e) {
    log('error', 'a queued command threw', e);
  }
}

/** The cached manifest of `url`, or undefined (none, another URL's, or storage unavailable). */
function readCache(url: string): unknown {
  try {
    const hit = JSON.parse(localStorage.getItem(CACHE_KEY) || 'null');
    if (hit?.url === url) return hit.manifest;
  } catch {}
}

function writeCache(url: string, manifest: unknown): void {
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify({ url, manifest }));
  } catch {}
}

/**
 * Fetches the manifest (rejects with why); the caller keeps the last good copy for the next
 * page view (stale-while-revalidate).
 */
async function fetchManifest(url: string): Promise<unknown> {
  const ctrl = new AbortController();
  const timer = setTimeout(
    () => ctrl.abort(new Error(`no answer in ${FETCH_TIMEOUT / 1000} s`)),
    FETCH_TIMEOUT,
  );
  try {
    // Credentials: `same-origin`, fetch's default (cookies go to the site's own manifest URL only).
    const res = await fetch(url, { signal: ctrl.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}

try {
  boot();
} catch (e) {
  // Nothing Tailor does may throw into the host page (docs/api.md).
  createLogger(true)('error', 'failed to start', e);
}
