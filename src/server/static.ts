/**
 * A small static file server for `tailor serve` (and later the collector): files under one
 * root only, correct content types, no directory listing, path traversal refused.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The decoded path of a GET or HEAD request; null for other methods and malformed URLs. */
export function readPath(req: IncomingMessage): string | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  try {
    return decodeURIComponent(new URL(req.url || '/', 'http://x').pathname);
  } catch {
    return null;
  }
}

/** Serves `req` from `root`; returns false when no file matched (the caller answers 404). */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): boolean {
  const rel = readPath(req);
  if (rel === null) return false;
  const base = path.resolve(root);
  let file = path.resolve(base, `.${rel}`);
  if (file !== base && !file.startsWith(base + path.sep)) return false;
  try {
    if (statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!statSync(file).isFile()) return false;
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}
