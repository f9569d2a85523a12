import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../../src/server/static';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  url: string;
  /** Registers a dynamic route (exact path, query ignored), e.g. a delayed or hanging response. */
  route(path: string, handler: Handler): void;
  /** Serves `html` at `path`. */
  page(path: string, html: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** Serves the repository root (dist/, test pages) and dynamic routes on 127.0.0.1. */
export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  // Chromium asks for a favicon on every page; a 404 would show up as a console error.
  routes.set('/favicon.ico', (_, res) => res.writeHead(204).end());
  const server = createServer((req, res) => {
    const route = routes.get(new URL(req.url || '/', 'http://x').pathname);
    if (route) return route(req, res);
    if (!serveStatic(ROOT, req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    route: (p, h) => routes.set(p, h),
    page(p, html, headers = {}) {
      routes.set(p, (_, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers });
        res.end(html);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
