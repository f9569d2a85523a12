/**
 * The script-tag entry (IIFE only; never part of the npm module graph, so the package's
 * `"sideEffects": false` holds). Reads the tag's `data-*` attributes, finds the manifest
 * (inline, cached or remote), drains the command queue and installs `window.tailor` (SPEC §2).
 */
import type { ConsentState, Tailor } from './manifest/types';
import { addStyle } from './render/widgets';
import { consentState, createTailor } from './runtime';

type Command = unknown[] | ((t: Tailor) => void);
type TagApi = Tailor & { push(...commands: Command[]): number };

const CACHE_KEY = 'tlr_manifest';

function boot(): void {
  const w = window as unknown as { tailor?: unknown };
  // A second copy of the tag on the page must not start a second instance.
  if (w.tailor && !Array.isArray(w.tailor)) return;
  // The queue stays on `window.tailor` until start: commands pushed while a remote manifest
  // loads (e.g. by the debug view) are drained with the others.
  w.tailor ||= [];
  const queue = w.tailor as Command[];
  const script = (document.currentScript ||
    document.querySelector('script[data-manifest],script[src*="tailor"]')) as HTMLScriptElement | null;
  const data = script?.dataset || {};
  // `?tailor_debug=1`: the debug view (loaded lazily, below) and console logging.
  const debugView = /[?&]tailor_debug=1(&|$)/.test(location.search);
  const debug = data.debug !== undefined || debugView;
  const inline = document.getElementById('tailor-manifest');
  const url = data.manifest;

  let manifest: unknown;
  let fresh: Promise<unknown> | null = null;
  if (inline) manifest = parse(inline.textContent);
  else if (url) {
    const cached = readCache(url);
    fresh = fetchManifest(url);
    manifest = cached;
  }

  // Uncached remote manifest: hide only the elements marked as slots, never the page, until
  // the decision is rendered or `data-hide-timeout` passes (SPEC §8.2).
  let unhide = () => {};
  if (manifest === undefined && fresh) {
    const reveal = addStyle(document, '[data-tailor-slot]{visibility:hidden!important}');
    const timer = setTimeout(() => unhide(), Number(data.hideTimeout) || 800);
    unhide = () => {
      clearTimeout(timer);
      reveal();
    };
  }
  let api: TagApi | null = null;
  // The manifest is cached only with consent: the cache is a `tlr_` key like any other (SPEC §9).
  const cache = (m: unknown) => {
    if (m && api && consentState(api) === 'granted') writeCache(url!, m);
  };

  // No manifest (none given, or it failed to load or parse): an empty one, so nothing renders.
  const start = (m: unknown) => {
    const t = createTailor({
      manifest: m ?? { version: 1, site: '' },
      debug,
      endpoint: data.endpoint,
      country: data.country,
      consent: data.consent as ConsentState | undefined,
    });
    const a = t as TagApi;
    api = a;
    a.push = (...commands: Command[]) => {
      for (const c of commands) run(a, c);
      return 0;
    };
    w.tailor = a;
    for (const c of queue) run(a, c);
    return a.start().finally(unhide);
  };

  if (manifest !== undefined || !fresh) {
    // Inline or cached: decide now, synchronously in <head>; refresh the cache for next time.
    const ready = start(manifest);
    if (fresh) Promise.all([fresh, ready]).then(([m]) => cache(m));
  } else {
    fresh.then((m) => start(m).then(() => cache(m)));
  }
  if (debugView) loadDebugView(script);
}

/**
 * Loads `tailor.debug.js` from the tag's own directory. A dynamic `import()` carries the nonce
 * of the tag (CSP) and is no Trusted Types sink, so it works on strict pages without a policy.
 * Only with `?tailor_debug=1`: the view costs the tags these few bytes and nothing else.
 */
function loadDebugView(tag: HTMLScriptElement | null): void {
  import(new URL('tailor.debug.js', tag?.src || location.href).href).catch((e) =>
    console.error('[tailor] could not load the debug view', e),
  );
}

/** Runs one queued command; a throwing command never stops the others (SPEC §2). */
function run(api: Tailor, command: Command): void {
  try {
    if (typeof command === 'function') command(api);
    else if (Array.isArray(command) && typeof command[0] === 'string') {
      const method = (api as unknown as Record<string, unknown>)[command[0]];
      if (typeof method === 'function') method.apply(api, command.slice(1));
      else console.warn(`[tailor] unknown command "${command[0]}"`);
    }
  } catch (e) {
    console.error('[tailor] a queued command threw', e);
  }
}

function parse(text: string | null): unknown {
  try {
    return JSON.parse(text || '');
  } catch (e) {
    console.error('[tailor] the manifest is not valid JSON', e);
    return null;
  }
}

function readCache(url: string): unknown {
  try {
    const hit = JSON.parse(localStorage.getItem(CACHE_KEY) || 'null');
    return hit && hit.url === url ? hit.manifest : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(url: string, manifest: unknown): void {
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify({ url, manifest }));
  } catch {}
}

/** Fetches the manifest; the caller keeps the last good copy for the next page view (stale-while-revalidate). */
async function fetchManifest(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.json();
  } catch (e) {
    console.error(`[tailor] could not load the manifest from ${url}`, e);
    return null;
  }
}

try {
  boot();
} catch (e) {
  // Nothing Tailor does may throw into the host page (SPEC §3).
  console.error('[tailor] failed to start', e);
}
