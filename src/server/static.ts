/**
 * A small static file server for `tailor serve` (and later the collector): files under one
 * root only, correct content types, no directory listing, path traversal refused.
 *
 * Run in a project folder it would otherwise hand out the project's secrets: never a dotfile or
 * anything under a dot-directory (`.env`, `.git/config`, `.tailor/events.db`), however the path
 * is spelled, and never the store's own files wherever they are (see `hideFiles`).
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
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
    // Parsed as a path, never relative to a base: `//.env` is a path here, not a host.
    const url = req.url || '/';
    if (!url.startsWith('/')) return null;
    return decodeURIComponent(new URL(`http://x${url}`).pathname);
  } catch {
    return null;
  }
}

/**
 * Whether a decoded request path may name a file at all: no segment starting with a dot (dotfiles,
 * dot-directories, `.`/`..`), no empty segment (`//`), no backslash (a separator on Windows, and
 * never in a URL a page links to) and no NUL.
 */
export function isServablePath(rel: string): boolean {
  if (!rel.startsWith('/') || /[\\\0]/.test(rel)) return false;
  const segments = rel.slice(1).split('/');
  return segments.every((s, i) => (s === '' ? i === segments.length - 1 : !s.startsWith('.')));
}

/**
 * A test for files never served, whatever folder they are in (the database and its `-wal`,
 * `-shm`, `-journal` companions): real paths are compared, so a symlinked folder is no way round.
 */
export function hiddenFiles(files: readonly string[]): (file: string) => boolean {
  const hidden = new Set<string>();
  for (const f of files) {
    hidden.add(path.resolve(f));
    try {
      hidden.add(path.join(realpathSync(path.dirname(f)), path.basename(f)));
    } catch {}
  }
  return (file) => {
    if (hidden.has(file)) return true;
    try {
      return hidden.has(realpathSync(file));
    } catch {
      return false;
    }
  };
}

/** Serves `req` from `root`; returns false when no file matched (the caller answers 404). */
export function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  isHidden: (file: string) => boolean = () => false,
): boolean {
  const rel = readPath(req);
  if (rel === null || !isServablePath(rel)) return false;
  const base = path.resolve(root);
  let file = path.resolve(base, `.${rel}`);
  if (file !== base && !file.startsWith(base + path.sep)) return false;
  try {
    if (statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!statSync(file).isFile() || isHidden(file)) return false;
  } catch {
    return false;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else
    createReadStream(file)
      // Gone or unreadable between the stat and the read: cut this answer, keep the server.
      .on('error', () => res.destroy())
      .pipe(res);
  return true;
}
