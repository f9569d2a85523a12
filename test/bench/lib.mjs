// Shared helpers for the benchmarks (`npm run bench`): paths, statistics, Chromium, a loopback
// server with dynamic routes and static files, and the browser bundles the modules need.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_ARGS, resolveChromium } from '../../scripts/chromium.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD = path.join(ROOT, 'test/bench/.build');
export const GB_AUTO = path.join(ROOT, 'node_modules/@growthbook/growthbook/dist/bundles/auto.min.js');

export const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const max = (xs) => (xs.length ? Math.max(...xs) : null);
export const round = (x, digits = 1) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));

/** The browser the test suite uses (scripts/chromium.mjs says in which order it is found). */
export async function launchChromium() {
  const found = await resolveChromium();
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: found.executablePath,
    args: [...BASE_ARGS, ...found.args],
    env: { ...process.env, ...found.env },
  });
}

const TYPES = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.html': 'text/html',
};

/**
 * A server on 127.0.0.1: exact-path routes first (query ignored), then files under ROOT
 * (dist/, node_modules/…). `headers` are added to every response (e.g. cross-origin isolation).
 */
export async function startServer(headers = {}) {
  const routes = new Map();
  routes.set('/favicon.ico', (_, res) => res.writeHead(204).end());
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    const url = new URL(req.url || '/', 'http://x');
    const route = routes.get(url.pathname);
    if (route) return route(req, res, url);
    const file = path.join(ROOT, path.normalize(decodeURIComponent(url.pathname)));
    if (file.startsWith(ROOT) && existsSync(file) && !file.endsWith('/')) {
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
        return res.end(body);
      } catch {}
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    route: (p, handler) => routes.set(p, handler),
    page: (p, html) =>
      routes.set(p, (_, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a request body as a string. */
export const readBody = (req) =>
  new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => resolve(body));
    req.on('error', () => resolve(body));
  });

/** Bundles `source` (an ES module text) with rollup + node-resolve (+ terser when `minify`). */
export async function bundle(name, source, { format = 'iife', globalName, minify = false } = {}) {
  mkdirSync(BUILD, { recursive: true });
  const entry = path.join(BUILD, `${name}.entry.mjs`);
  writeFileSync(entry, source);
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const commonjs = (await import('@rollup/plugin-commonjs')).default;
  const terser = (await import('@rollup/plugin-terser')).default;
  const replace = (await import('@rollup/plugin-replace')).default;
  const b = await rollup({
    input: entry,
    plugins: [
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': '"production"' },
      }),
      nodeResolve({ browser: true }),
      commonjs(),
      ...(minify ? [terser()] : []),
    ],
    onwarn: () => {},
  });
  const { output } = await b.generate({ format, name: globalName });
  await b.close();
  const file = path.join(BUILD, `${name}.js`);
  writeFileSync(file, output[0].code);
  return { file, code: output[0].code };
}

/** Escapes a script's text so it can be inlined in a <script> element. */
export const inlineScript = (code) => code.replace(/<\/script/gi, '<\\/script');
