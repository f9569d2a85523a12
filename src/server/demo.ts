/**
 * Demo mode of `tailor serve --demo` (used by `npm start`): stand-ins for services a real site
 * would have, so the examples work offline. Never on without the flag.
 *
 * - `GET /api/weather` answers a fixed forecast, `{ "condition": "rain", "tempC": 12 }`, for the
 *   shop's `remote.weather` enrichment (`?condition=` and `?tempC=` override it, to try other
 *   weather by hand).
 * - A single-page app's client-side routes (`/spa/shoes`) get the nearest `index.html` above
 *   them when no file matches, so reloading a deep link works.
 */
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { readPath, serveStatic } from './static';

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The demo weather, deterministic. */
export const DEMO_WEATHER = { condition: 'rain', tempC: 12 } as const;

export function demoRoute(req: IncomingMessage, res: ServerResponse, root?: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let url: URL;
  try {
    url = new URL(req.url || '/', 'http://x');
  } catch {
    return false;
  }
  // The demo opens on the shop (`npm start` → http://127.0.0.1:8080/).
  if (url.pathname === '/' && root && isFile(path.join(root, 'shop/index.html'))) {
    res.writeHead(302, { location: `/shop/${url.search}` });
    res.end();
    return true;
  }
  if (url.pathname === '/api/weather') {
    const temp = Number(url.searchParams.get('tempC'));
    const body = JSON.stringify({
      condition: url.searchParams.get('condition') || DEMO_WEATHER.condition,
      tempC: url.searchParams.has('tempC') && Number.isFinite(temp) ? temp : DEMO_WEATHER.tempC,
      demo: true,
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  return false;
}

/** Client-side routes: an extension-less path with no file gets the nearest index.html above it. */
export function spaFallback(root: string, req: IncomingMessage, res: ServerResponse): boolean {
  const rel = readPath(req);
  if (rel === null || path.posix.extname(rel) || rel.endsWith('/')) return false;
  const base = path.resolve(root);
  let dir = path.resolve(base, `.${path.posix.dirname(rel)}`);
  while (dir === base || dir.startsWith(base + path.sep)) {
    try {
      if (dir !== base && statSync(path.join(dir, 'index.html')).isFile()) {
        const url = `/${path.relative(base, dir).split(path.sep).join('/')}/index.html`;
        return serveStatic(root, { url, method: req.method } as IncomingMessage, res);
      }
    } catch {}
    if (dir === base) break;
    dir = path.dirname(dir);
  }
  return false;
}
