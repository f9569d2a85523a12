import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { budget } from './chromium';
import type { TestServer } from './server';

/** One beacon as the collector saw it. */
export interface Beacon {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed body, or null when it is not JSON. */
  json: { v?: number; site?: string; sent?: number; events?: BeaconEvent[] } | null;
  /** Arrival time (epoch ms, when the body was fully read). */
  at: number;
  /** The status answered (0 while hanging, -1 when the browser gave up). */
  status: number;
}

export interface BeaconEvent {
  id: string;
  type: 'exposure' | 'conversion';
  ts: number;
  visitor: string;
  session: string;
  path: string;
  experience?: string;
  variant?: string;
  forced?: boolean;
  goal?: string;
  value?: number;
  assignments?: Record<string, string>;
  segments?: string[];
  [k: string]: unknown;
}

/** What to answer to one request: a status (with headers), or hold it until `release()`. */
export type Answer = number | { status: number; headers?: Record<string, string> } | 'hang';

export interface Collector {
  /** The path to give Tailor as its endpoint (same origin as the test pages). */
  path: string;
  requests: Beacon[];
  /** Scripted answers for the next requests, in order; then the default. */
  plan(...answers: Answer[]): void;
  /** The answer once the plan is used up (204 unless changed; 'hang' holds every request). */
  setDefault(answer: Answer): void;
  /** Answers every held request with `status` (default 204) and stops hanging by default. */
  release(status?: number): void;
  /** Every event received (duplicates included), in arrival order. */
  events(): BeaconEvent[];
  /** Distinct event ids received (`accepted`: only in requests answered 2xx). */
  ids(accepted?: boolean): Set<string>;
  /** Resolves once `check()` is true (polling every 25 ms), or rejects after `timeout` ms (at least 10 s, scaled). */
  until(check: (c: Collector) => boolean, timeout?: number, what?: string): Promise<void>;
}

/** Every beacon body any collector in this module instance recorded (for privacy scans). */
export const ALL_BODIES: string[] = [];

let counter = 0;

/**
 * A test collector mounted as a route of the test server (same origin: no CORS in the way).
 * Records every request and answers as told: scripted 5xx/4xx/429 + Retry-After, or hangs.
 */
export function createCollector(server: TestServer, name = `collect-${++counter}`): Collector {
  const path = `/${name}`;
  const plan: Answer[] = [];
  let fallback: Answer = 204;
  const held: [ServerResponse, Beacon][] = [];
  const requests: Beacon[] = [];

  const answer = (res: ServerResponse, beacon: Beacon, a: Answer) => {
    if (a === 'hang') {
      held.push([res, beacon]);
      res.on('close', () => {
        if (!res.writableEnded) beacon.status = -1;
      });
      return;
    }
    const { status, headers = {} } = typeof a === 'number' ? { status: a } : a;
    beacon.status = status;
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(status === 204 ? undefined : String(status));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      let json: Beacon['json'] = null;
      try {
        json = JSON.parse(body);
      } catch {}
      const beacon: Beacon = {
        method: req.method || '',
        headers: req.headers,
        body,
        json,
        at: Date.now(),
        status: 0,
      };
      requests.push(beacon);
      ALL_BODIES.push(body);
      answer(res, beacon, plan.length ? plan.shift()! : fallback);
    });
  };
  server.route(path, handler);

  const c: Collector = {
    path,
    requests,
    plan: (...answers) => plan.push(...answers),
    setDefault: (a) => {
      fallback = a;
    },
    release(status = 204) {
      if (fallback === 'hang') fallback = 204;
      for (const [res, beacon] of held.splice(0)) {
        if (res.writableEnded || res.destroyed) continue;
        beacon.status = status;
        res.writeHead(status).end();
      }
    },
    events: () => requests.flatMap((r) => r.json?.events || []),
    ids: (accepted = false) =>
      new Set(
        requests
          .filter((r) => !accepted || (r.status >= 200 && r.status < 300))
          .flatMap((r) => (r.json?.events || []).map((e) => e.id)),
      ),
    async until(check, timeout = 10_000, what = 'collector condition') {
      // A budget for the wait, not a measure of the product: at least 10 s, scaled on a loaded
      // machine. Tests that assert a duration measure it themselves.
      const limit = budget(Math.max(timeout, 10_000));
      const end = Date.now() + limit;
      while (!check(c)) {
        if (Date.now() > end)
          throw new Error(
            `timed out after ${limit} ms waiting for ${what}; ${requests.length} request(s), ` +
              `${c.events().length} event(s) received`,
          );
        // The polling interval of the check above.
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  return c;
}
