/**
 * The collector (docs/collector.md): `POST /collect` ingests beacons (docs/events.md) into the store; `GET /report`
 * (HTML) and `GET /api/report` (JSON) report them. `handle` answers those routes and returns
 * false for anything else, so `tailor serve` can fall through to static files.
 *
 * Ingest rules: malformed JSON → 400; a body or events not matching the event format (docs/events.md) → 400 with the counts of
 * accepted and rejected events (the valid events of the batch are stored); over 64 KiB → 413;
 * cross-origin requests only from configured origins (preflight answered); 204 on success.
 * Events are validated field by field and only the event fields of docs/events.md are stored: an event carrying
 * anything else (traits, data, an IP) is rejected, and nothing about the request itself (address,
 * user agent) is kept.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Experience, Manifest } from '../manifest/types';
import { validateManifest } from '../manifest/validate';
import {
  clientOf,
  createRateLimiter,
  nestedDeeperThan,
  presentedToken,
  type RateLimit,
  tokenMatches,
} from './limits';
import { renderReport, renderSiteList } from './report-html';
import { createReportSource, manifestFor, type ReportSource } from './report-worker';
import type { ExperienceCounts, Report } from './stats';
import { buildReport, HOLDOUTS } from './stats';
import type { Store, StoredEvent } from './store';

/** Largest accepted body (bytes). */
export const MAX_BODY = 64 * 1024;
/** Bodies over MAX_BODY up to this size are read to their end before the 413 (see tooLarge). */
const DRAIN_MAX = 1024 * 1024;
/**
 * Deepest accepted nesting of a body. A valid batch nests 4 deep (body, events, event,
 * assignments); anything much deeper is hostile and is refused before it is parsed.
 */
export const MAX_DEPTH = 16;

export interface CollectorOptions {
  store: Store;
  /**
   * Origins allowed to send cross-origin (`*` for any), compared with the `Origin` header only:
   * `Host` is whatever the sender writes, so it proves nothing.
   */
  cors?: readonly string[];
  /** The server's own origins (`http://127.0.0.1:8080`): its pages may always send. */
  selfOrigins?: () => ReadonlySet<string>;
  /** The manifest: variant weights for the SRM check, goal order, experience order. */
  manifest?: Manifest | null;
  /** More manifests (one per site); the report of a site uses the one whose `site` matches. */
  manifests?: readonly Manifest[];
  /** Sites `/collect` accepts; null or absent: any site. */
  sites?: ReadonlySet<string> | null;
  /** Token required by `/report` and `/api/report` (Bearer header or `?token=`). */
  reportToken?: string | null;
  /** Per-client token bucket on `/collect`; null or absent: no limit. */
  rateLimit?: RateLimit | null;
  /** Count clients by the last `X-Forwarded-For` entry (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** Where reports come from (a worker in `tailor serve`); default: computed inline. */
  reports?: ReportSource;
  /** Clock (tests). */
  now?: () => number;
}

/* ------------------------------------------------------------------------------------------ */
/* Validation (docs/events.md)                                                                */
/* ------------------------------------------------------------------------------------------ */

const ID = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_NAME = 256;
const MAX_PATH = 2048;
const BASE_KEYS = ['id', 'type', 'ts', 'visitor', 'session', 'path'];
const KEYS = {
  exposure: new Set([...BASE_KEYS, 'experience', 'variant', 'forced']),
  conversion: new Set([...BASE_KEYS, 'goal', 'value', 'assignments', 'segments']),
};
const BODY_KEYS = new Set(['v', 'site', 'sent', 'events']);

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isName = (x: unknown, max = MAX_NAME): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= max;
// Names that become keys of plain objects in the report: these would read or replace what every
// object inherits (a goal named "constructor" would "convert" without a single event).
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));
const isKeyName = (x: unknown): x is string => isName(x) && !INHERITED.has(x);
const show = (x: unknown) => (x === undefined ? 'nothing' : JSON.stringify(x)?.slice(0, 40));

/** Checks one event; returns the stored shape (only the documented event fields) or a problem message. */
export function validateEvent(e: unknown): StoredEvent | string {
  if (!isObject(e)) return `an event must be an object, got ${show(e)}`;
  if (e.type !== 'exposure' && e.type !== 'conversion')
    return `type must be "exposure" or "conversion", got ${show(e.type)}`;
  const extra = Object.keys(e).filter((k) => !KEYS[e.type as 'exposure'].has(k));
  if (extra.length)
    return `unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')} (only the fields of docs/events.md are accepted)`;
  if (typeof e.id !== 'string' || !ID.test(e.id))
    return `id must be 16 to 128 url-safe characters (A-Z a-z 0-9 - _), got ${show(e.id)}`;
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts <= 0)
    return `ts must be epoch milliseconds, got ${show(e.ts)}`;
  for (const k of ['visitor', 'session'] as const)
    if (!isName(e[k])) return `${k} must be a non-empty string of at most ${MAX_NAME} characters`;
  if (!isName(e.path, MAX_PATH) || !e.path.startsWith('/') || /[?#]/.test(e.path))
    return `path must be a URL path starting with "/" without query or fragment, got ${show(e.path)}`;
  const base = {
    id: e.id,
    ts: e.ts,
    visitor: e.visitor as string,
    session: e.session as string,
    path: e.path,
  };
  if (e.type === 'exposure') {
    if (!isKeyName(e.experience)) return 'experience must be a non-empty string';
    if (!isKeyName(e.variant)) return 'variant must be a non-empty string';
    if (e.forced !== undefined && typeof e.forced !== 'boolean')
      return `forced must be true when present, got ${show(e.forced)}`;
    return {
      ...base,
      type: 'exposure',
      experience: e.experience,
      variant: e.variant,
      forced: e.forced === true,
    };
  }
  if (!isKeyName(e.goal)) return 'goal must be a non-empty string';
  if (e.value !== undefined && (typeof e.value !== 'number' || !Number.isFinite(e.value)))
    return `value must be a number when present, got ${show(e.value)}`;
  if (!isObject(e.assignments)) return 'assignments must be an object of experience id → variant id';
  const assignments = Object.entries(e.assignments);
  if (assignments.length > 500) return 'assignments: more than 500 entries';
  for (const [x, v] of assignments)
    if (!isKeyName(x) || !isKeyName(v))
      return `assignments.${x.slice(0, 40)} must be a variant id (a string)`;
  if (!Array.isArray(e.segments) || e.segments.length > 500 || !e.segments.every((s) => isName(s)))
    return 'segments must be an array of segment names';
  return {
    ...base,
    type: 'conversion',
    goal: e.goal,
    ...(e.value !== undefined ? { value: e.value as number } : {}),
    assignments: Object.fromEntries(assignments) as Record<string, string>,
    segments: e.segments as string[],
  };
}

export type BatchResult =
  | { ok: true; site: string; events: StoredEvent[]; problems: { index: number; message: string }[] }
  | { ok: false; error: string; rejected: number };

/** Checks a parsed body `{ v: 1, site, sent, events }`. */
export function validateBatch(body: unknown): BatchResult {
  const fail = (error: string): BatchResult => ({
    ok: false,
    error,
    rejected: isObject(body) && Array.isArray(body.events) ? body.events.length : 0,
  });
  if (!isObject(body)) return fail('the body must be a JSON object { "v": 1, "site", "sent", "events" }');
  const extra = Object.keys(body).filter((k) => !BODY_KEYS.has(k));
  if (extra.length) return fail(`unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')} in the body`);
  if (body.v !== 1) return fail(`v must be 1, got ${show(body.v)}`);
  if (!isKeyName(body.site)) return fail('site must be a non-empty string');
  if (typeof body.sent !== 'number' || !Number.isFinite(body.sent))
    return fail('sent must be epoch milliseconds');
  if (!Array.isArray(body.events)) return fail('events must be an array');
  const events: StoredEvent[] = [];
  const problems: { index: number; message: string }[] = [];
  body.events.forEach((raw, index) => {
    const r = validateEvent(raw);
    if (typeof r === 'string') problems.push({ index, message: `events[${index}]: ${r}` });
    else events.push(r);
  });
  return { ok: true, site: body.site, events, problems };
}

/* ------------------------------------------------------------------------------------------ */
/* Report assembly                                                                            */
/* ------------------------------------------------------------------------------------------ */

/** Reads and validates a manifest file; throws an Error with a one-line message. */
export function loadManifest(file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `manifest ${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot be read (${code})` : `invalid JSON (${(e as Error).message})`}`,
    );
  }
  const { manifest, problems } = validateManifest(json);
  if (!manifest) throw new Error(`manifest ${file}: ${problems[0]?.message || 'not a manifest'}`);
  return manifest;
}

/**
 * Expected split of an experience's randomized arms (docs/experiences.md#assignment): its `holdout` percent, then the
 * variants by weight. The global holdout is left out: its share of an experience depends on
 * traffic, audience and layers, which the exposure log cannot reconstruct.
 */
export function expectedWeights(e: Experience): Record<string, number> | null {
  const held = Math.min(100, Math.max(0, e.holdout ?? 0)) / 100;
  const weights = e.variants.map((v) => Math.max(0, v.weight ?? 1));
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const out: Record<string, number> = {};
  e.variants.forEach((v, i) => {
    out[v.id] = ((1 - held) * weights[i]!) / total;
  });
  if (held > 0) out.holdout = held;
  return out;
}

const orderIds = (ids: Iterable<string>, first: readonly string[] = []) => {
  const rest = [...ids].filter((id) => !first.includes(id));
  const rank = (id: string) =>
    id === 'control' ? 0 : id === 'holdout' ? 2 : id === 'global-holdout' ? 3 : 1;
  return [...first, ...rest.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))];
};

/** The report (docs/collector.md) of one site from the store. */
export async function reportFor(
  store: Store,
  site: string,
  manifest: Manifest | null | undefined,
  now: number,
): Promise<Report> {
  const counts = await store.counts(site);
  const m = manifest && manifest.site === site ? manifest : null;
  const configured = new Map((m?.experiences || []).map((e) => [e.id, e]));
  const goalsAll = orderIds(counts.goals, Object.keys(m?.goals || {})).filter(
    (g, i, a) => a.indexOf(g) === i,
  );
  const experiences: ExperienceCounts[] = orderIds(
    counts.experiences.keys(),
    [...configured.keys()].filter((id) => counts.experiences.has(id)),
  ).map((id) => {
    const observed = counts.experiences.get(id)!;
    const e = configured.get(id);
    const weights = e ? expectedWeights(e) : null;
    const declared = e ? [...e.variants.map((v) => v.id), ...(weights?.holdout ? ['holdout'] : [])] : [];
    const ids = orderIds(
      new Set([...declared, ...observed.keys()]),
      declared.filter((v) => !HOLDOUTS.includes(v) || observed.has(v)),
    );
    return {
      id,
      goals: e?.goals?.length ? e.goals : goalsAll,
      weights,
      variants: ids.map((v) => ({
        id: v,
        exposed: observed.get(v)?.exposed ?? 0,
        converted: observed.get(v)?.converted ?? {},
        value: observed.get(v)?.value ?? {},
      })),
    };
  });
  return buildReport({
    site,
    generated: now,
    experiences,
    program: { goals: goalsAll, personalized: counts.personalized, holdout: counts.holdout },
  });
}

/** The site a report is for: the one asked, else the only one stored; else an explanation. */
export async function pickSite(
  store: Store,
  asked: string | null | undefined,
): Promise<{ site: string } | { error: string; sites: string[] }> {
  if (asked) return { site: asked };
  const sites = await store.sites();
  if (sites.length === 1) return { site: sites[0]! };
  return {
    error: sites.length
      ? `the store holds ${sites.length} sites; choose one with site=`
      : 'no events stored yet',
    sites,
  };
}

/* ------------------------------------------------------------------------------------------ */
/* HTTP                                                                                       */
/* ------------------------------------------------------------------------------------------ */

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Answers 500 to a request whose handler failed; the server goes on with the next one. */
export function failed(res: ServerResponse, e: unknown): void {
  if (res.headersSent || res.writableEnded) {
    res.destroy(); // half an answer: the client sees a cut connection, never a wrong body
    return;
  }
  // The reason goes to the operator's log, never to the sender (it may name paths or internals).
  console.error('tailor serve: a request failed:', e);
  send(res, 500, { error: 'internal error' });
}

/** Creates the request handler; returns false for requests it does not own. */
export function createCollector(
  options: CollectorOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { store } = options;
  const allowed = new Set(options.cors || []);
  const now = options.now || Date.now;
  const manifests = [...(options.manifests || []), ...(options.manifest ? [options.manifest] : [])];
  const reports = options.reports || createReportSource({ store, db: '', manifests, workerEntry: undefined });
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit, now) : null;
  const token = options.reportToken || null;

  /** CORS headers for the request's origin, or null when that origin may not send. */
  function cors(req: IncomingMessage): Record<string, string> | null {
    const origin = req.headers.origin;
    if (!origin) return {}; // not a browser cross-origin request (curl, server to server)
    if (options.selfOrigins?.().has(origin)) return {}; // a page this server served
    if (allowed.has('*') || allowed.has(origin))
      return { 'access-control-allow-origin': origin, vary: 'Origin' };
    return null;
  }

  function collect(req: IncomingMessage, res: ServerResponse) {
    const headers = cors(req);
    if (req.method === 'OPTIONS') {
      if (!headers) return send(res, 403, { error: 'origin not allowed' }, { vary: 'Origin' });
      return send(res, 204, null, {
        ...headers,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '86400',
      });
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST, OPTIONS' });
    if (!headers) {
      req.resume();
      return send(res, 403, { error: 'origin not allowed' }, { vary: 'Origin' });
    }
    const wait = limiter?.take(clientOf(req, !!options.trustProxy)) ?? 0;
    if (wait) {
      req.resume();
      // CORS headers too, so the page's SDK can read Retry-After and hold its queue.
      return send(
        res,
        429,
        { error: 'too many requests' },
        {
          ...headers,
          'retry-after': String(wait),
          ...(headers['access-control-allow-origin']
            ? { 'access-control-expose-headers': 'Retry-After' }
            : {}),
        },
      );
    }
    const refuse = () => {
      if (!res.headersSent)
        send(res, 413, { error: `body over ${MAX_BODY} bytes` }, { ...headers, connection: 'close' });
    };
    // A body over the limit is read to its end (up to DRAIN_MAX) before the 413: answered and
    // closed while the client still sends, the client sees a reset connection instead of the
    // answer. Anything larger is answered at once.
    const tooLarge = (now: boolean) => {
      req.resume();
      if (now) refuse();
      else req.once('end', refuse);
    };
    const length = Number(req.headers['content-length']);
    if (length > MAX_BODY) return tooLarge(length > DRAIN_MAX);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > DRAIN_MAX) refuse();
        return;
      }
      if (size > MAX_BODY) {
        over = true;
        chunks.length = 0;
        tooLarge(false);
      } else chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (over) return;
      try {
        ingest(Buffer.concat(chunks).toString('utf8'), res, headers);
      } catch (e) {
        failed(res, e);
      }
    });
  }

  function ingest(text: string, res: ServerResponse, headers: Record<string, string>) {
    if (nestedDeeperThan(text, MAX_DEPTH))
      return send(res, 400, { error: `nested deeper than ${MAX_DEPTH}`, accepted: 0, rejected: 0 }, headers);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, { error: 'malformed JSON', accepted: 0, rejected: 0 }, headers);
    }
    const batch = validateBatch(body);
    if (!batch.ok)
      return send(res, 400, { error: batch.error, accepted: 0, rejected: batch.rejected }, headers);
    if (options.sites && !options.sites.has(batch.site))
      // 403, not 400: the batch is well formed but this collector does not take this site's
      // events; the SDK drops a 4xx other than 408/429 instead of retrying it.
      return send(
        res,
        403,
        {
          error: `site ${JSON.stringify(batch.site.slice(0, 80))} is not accepted here`,
          accepted: 0,
          rejected: batch.events.length + batch.problems.length,
        },
        headers,
      );
    // The answer waits for the store: a 2xx means the batch is durable (with ClickHouse, once the
    // shared INSERT that carried it has been answered).
    const stored = batch.events.length ? store.insert(batch.site, batch.events, now()) : Promise.resolve();
    stored
      .then(
        () => {
          if (!batch.problems.length) return send(res, 204, null, headers);
          send(
            res,
            400,
            {
              error: `${batch.problems.length} of ${batch.problems.length + batch.events.length} events rejected`,
              accepted: batch.events.length,
              rejected: batch.problems.length,
              problems: batch.problems.slice(0, 20),
            },
            headers,
          );
        },
        // Retryable for the SDK (5xx), and the dedupe makes the retry harmless.
        (e) => send(res, 503, { error: `storage failed: ${(e as Error).message}` }, headers),
      )
      .catch((e) => failed(res, e));
  }

  async function report(req: IncomingMessage, res: ServerResponse, html: boolean, url: URL) {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { error: 'use GET' }, { allow: 'GET, HEAD' });
    const given = presentedToken(req, url);
    if (token && !tokenMatches(given, token))
      return send(
        res,
        401,
        { error: 'report token required: Authorization: Bearer <token>, or ?token= on the page' },
        { 'www-authenticate': 'Bearer realm="tailor report"' },
      );
    // A token in the URL is carried into the page's own links, and never leaks through Referer.
    const query = token && url.searchParams.has('token') ? `&token=${encodeURIComponent(given!)}` : '';
    const privacy: Record<string, string> = { 'referrer-policy': 'no-referrer' };
    try {
      const answer = await reports.get(url.searchParams.get('site') || null);
      if ('error' in answer) {
        if (html) return send(res, 200, renderSiteList(answer.sites, query), privacy);
        return send(res, answer.sites.length ? 400 : 404, answer);
      }
      const r = answer.report;
      send(res, 200, html ? renderReport(r, manifestFor(manifests, r.site), query) : r, privacy);
    } catch (e) {
      failed(res, e);
    }
  }

  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url || '/', 'http://x');
    } catch {
      return false;
    }
    try {
      switch (url.pathname) {
        case '/collect':
          collect(req, res);
          return true;
        case '/api/report':
          void report(req, res, false, url).catch((e) => failed(res, e));
          return true;
        case '/report':
          void report(req, res, true, url).catch((e) => failed(res, e));
          return true;
        default:
          return false;
      }
    } catch (e) {
      failed(res, e);
      return true;
    }
  };
}
