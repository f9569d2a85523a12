/**
 * Defences of `tailor serve` against hostile senders: a nesting bound checked before anything
 * recursive touches a body, a per-client token bucket, a constant-time token comparison and the
 * loopback test that decides which defaults apply.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Whether `text` (JSON) nests arrays/objects deeper than `limit`. One linear pass that skips
 * strings (a `[` inside a string is not nesting), so it costs nothing a parser would not, and it
 * runs before JSON.parse and before any recursive walk (JSON.stringify of a 5,000-deep array
 * overflows the stack and, uncaught, ends the process).
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** Compares a presented token with the expected one without leaking, through timing, how much matched. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The report token a request carries: `Authorization: Bearer <t>`, else `?token=` (a link in a browser). */
export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1]! : url.searchParams.get('token');
}

export interface RateLimit {
  /** Requests a client may send in a burst (the bucket size). */
  burst: number;
  /** Requests per second a client earns back. */
  perSecond: number;
}

/** Parses `<n>/<seconds>` (e.g. `600/60`: bursts of 600, 10 a second sustained); `off` is null. */
export function parseRateLimit(text: string): RateLimit | null | 'invalid' {
  if (text === 'off') return null;
  const m = /^(\d+)\/(\d+(?:\.\d+)?)(s)?$/.exec(text.trim());
  if (!m) return 'invalid';
  const n = Number(m[1]);
  const s = Number(m[2]);
  if (!(n >= 1) || !(s > 0)) return 'invalid';
  return { burst: n, perSecond: n / s };
}

/** Most clients remembered; past it the idle (refilled) buckets go first, then the oldest. */
const MAX_CLIENTS = 100_000;

/**
 * A token bucket per client. `take` answers 0 when the request may go, else the seconds until a
 * token is back (for `Retry-After`).
 */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (b: { tokens: number; at: number }, t: number) => {
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
  };
  function prune(t: number) {
    for (const [k, b] of buckets) {
      refill(b, t);
      if (b.tokens >= limit.burst) buckets.delete(k);
    }
    // A flood of distinct addresses: forget the oldest; they start again with a full bucket.
    for (const k of buckets.keys()) {
      if (buckets.size <= MAX_CLIENTS / 2) break;
      buckets.delete(k);
    }
  }
  return {
    take(client: string): number {
      const t = now();
      let b = buckets.get(client);
      if (!b) {
        if (buckets.size >= MAX_CLIENTS) prune(t);
        b = { tokens: limit.burst, at: t };
        buckets.set(client, b);
      } else refill(b, t);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
    },
  };
}

/**
 * The client a request counts against: the socket's address, or with `trustProxy` the last
 * `X-Forwarded-For` entry (the one the proxy in front appended; entries before it are whatever
 * the client wrote).
 */
export function clientOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const list = (Array.isArray(header) ? header.join(',') : header || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const last = list[list.length - 1];
    if (last) return last;
  }
  return req.socket.remoteAddress || 'unknown';
}
