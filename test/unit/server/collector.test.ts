// The collector (docs/collector.md) over real HTTP on 127.0.0.1 with a real SQLite file: every ingest
// rule, the report API and page, and the one-line CLI errors.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';
import { MAX_BODY } from '../../../src/server/collector';
import { MIGRATIONS, openStore } from '../../../src/server/db';

const Database = createRequire(import.meta.url)('better-sqlite3');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-collector-'));
mkdirSync(path.join(dir, 'site'));
writeFileSync(path.join(dir, 'site', 'index.html'), '<h1>shop</h1>');
const ALLOWED = 'https://shop.example';

let seq = 0;
const id = () => `evt-${String(++seq).padStart(16, '0')}`;
const T0 = 1_763_900_000_000;

function exposure(visitor: string, experience: string, variant: string, ts = T0, extra = {}) {
  return {
    id: id(),
    type: 'exposure',
    ts,
    visitor,
    session: `${visitor}.1`,
    path: '/',
    experience,
    variant,
    ...extra,
  };
}
function conversion(
  visitor: string,
  goal: string,
  assignments: Record<string, string>,
  ts = T0 + 1000,
  extra = {},
) {
  return {
    id: id(),
    type: 'conversion',
    ts,
    visitor,
    session: `${visitor}.1`,
    path: '/thank-you',
    goal,
    assignments,
    segments: ['returning'],
    ...extra,
  };
}
const batch = (events: unknown[], site = 'demo-shop') => JSON.stringify({ v: 1, site, sent: T0, events });

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: response JSON, checked by the assertions
  json(): any;
}

let port = 0;
function http(
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
  chunked = false,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (body !== undefined && !chunked) req.setHeader('content-length', Buffer.byteLength(body));
    if (body !== undefined) {
      if (chunked) {
        // Written in pieces without a content-length: the streaming size check.
        const b = Buffer.from(body);
        for (let i = 0; i < b.length; i += 8192) req.write(b.subarray(i, i + 8192));
      } else req.write(body);
    }
    req.end();
  });
}
const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  http('POST', '/collect', body, { 'content-type': 'text/plain;charset=UTF-8', ...headers });

const dbFile = path.join(dir, 'data', 'events.db');
let server: Server;
let done: Promise<number>;
// biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 has no type package here
let db: any;
const rows = (sql = 'SELECT * FROM events') => db.prepare(sql).all();
const has = (eventId: string) => !!db.prepare('SELECT 1 FROM events WHERE id = ?').get(eventId);

const manifestFile = path.join(dir, 'manifest.json');
writeFileSync(
  manifestFile,
  JSON.stringify({
    version: 1,
    site: 'demo-shop',
    goals: { purchase: { type: 'event' }, signup: { type: 'event' } },
    experiences: [
      {
        id: 'hero',
        variants: [
          { id: 'control', weight: 1 },
          { id: 'b', weight: 1 },
        ],
        goals: ['purchase'],
      },
    ],
  }),
);

beforeAll(async () => {
  await new Promise<void>((resolve) => {
    done = main(
      [
        'serve',
        'site',
        '--port',
        '0',
        '--db',
        dbFile,
        '--cors',
        `${ALLOWED},https://other.example`,
        '--manifest',
        manifestFile,
        // The manifest's site is accepted; so are the other sites these tests send for.
        ...['report-site', 'other-site', '<img src=x onerror=alert(1)>'].flatMap((s) => ['--site', s]),
      ],
      {
        out() {},
        err: (l) => console.error(l),
        cwd: dir,
        onServer(s) {
          server = s;
          const a = s.address();
          port = typeof a === 'object' && a ? a.port : 0;
          resolve();
        },
      },
    );
  });
  db = new Database(dbFile, { readonly: true });
});

afterAll(async () => {
  db?.close();
  server?.close();
  expect(await done).toBe(0);
});

describe('POST /collect', () => {
  it('stores a valid batch and answers 204 with an empty body', async () => {
    const events = [exposure('v-ok', 'hero', 'control'), conversion('v-ok', 'purchase', { hero: 'control' })];
    const r = await post(batch(events));
    expect(r.status).toBe(204);
    expect(r.body).toBe('');
    for (const e of events) expect(has(e.id)).toBe(true);
    const c = db.prepare('SELECT * FROM events WHERE id = ?').get(events[1]!.id);
    expect(c).toMatchObject({
      site: 'demo-shop',
      type: 'conversion',
      goal: 'purchase',
      visitor: 'v-ok',
      ts: T0 + 1000,
    });
    expect(JSON.parse(c.segments)).toEqual(['returning']);
    expect(
      db.prepare('SELECT experience, variant FROM assignments WHERE event = ?').all(events[1]!.id),
    ).toEqual([{ experience: 'hero', variant: 'control' }]);
  });

  it('accepts application/json too, and an empty batch', async () => {
    const e = exposure('v-json', 'hero', 'b');
    expect((await post(batch([e]), { 'content-type': 'application/json' })).status).toBe(204);
    expect(has(e.id)).toBe(true);
    expect((await post(batch([]))).status).toBe(204);
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['empty body', ''],
    ['a bare word', 'hello'],
  ])('answers malformed JSON (%s) with 400', async (_, body) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'malformed JSON', accepted: 0 });
  });

  it.each([
    ['an array', []],
    ['a wrong version', { v: 2, site: 'demo-shop', sent: T0, events: [] }],
    ['no site', { v: 1, sent: T0, events: [] }],
    ['an empty site', { v: 1, site: '', sent: T0, events: [] }],
    ['no sent', { v: 1, site: 'demo-shop', events: [] }],
    ['events not an array', { v: 1, site: 'demo-shop', sent: T0, events: {} }],
    ['an unknown body field', { v: 1, site: 'demo-shop', sent: T0, events: [], ip: '1.2.3.4' }],
  ])('answers a body of the wrong shape (%s) with 400 and counts', async (_, body) => {
    const r = await post(JSON.stringify(body));
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ accepted: 0, rejected: 0 });
    expect(typeof r.json().error).toBe('string');
  });

  it('rejects a whole batch with a bad envelope, counting its events', async () => {
    const e = exposure('v-env', 'hero', 'b');
    const r = await post(JSON.stringify({ v: 2, site: 'demo-shop', sent: T0, events: [e] }));
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(has(e.id)).toBe(false);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['a short id', { id: 'abc' }],
    ['an id with unsafe characters', { id: 'abcdefghijklmnop/q' }],
    ['a numeric id', { id: 1234567890123456 }],
    ['ts as a string', { ts: '1763900000000' }],
    ['ts NaN-like (null)', { ts: null }],
    ['an unknown type', { type: 'click' }],
    ['no visitor', { visitor: undefined }],
    ['an empty session', { session: '' }],
    ['a path with a query string', { path: '/p?email=a@b.c' }],
    ['a full URL as path', { path: 'https://shop.example/p' }],
    ['no experience', { experience: undefined }],
    ['a numeric variant', { variant: 2 }],
    ['forced not a boolean', { forced: 'yes' }],
    ['traits (PII)', { traits: { email: 'a@b.c' } }],
    ['data fields', { data: { cartValue: 3 } }],
    ['an ip field', { ip: '203.0.113.9' }],
  ];
  it.each(bad)('rejects an exposure with %s, keeping the valid events of the batch', async (_, change) => {
    const good1 = exposure('v-mixed', 'hero', 'control');
    const good2 = conversion('v-mixed', 'purchase', { hero: 'control' });
    const wrong: Record<string, unknown> = { ...exposure('v-mixed', 'hero', 'b'), ...change };
    for (const k of Object.keys(change)) if (change[k] === undefined) delete wrong[k];
    const r = await post(batch([good1, wrong, good2]));
    expect(r.status).toBe(400);
    const body = r.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.problems[0].index).toBe(1);
    expect(body.problems[0].message).toMatch(/^events\[1\]: /);
    expect(has(good1.id)).toBe(true);
    expect(has(good2.id)).toBe(true);
    if (typeof wrong.id === 'string') expect(has(wrong.id)).toBe(false);
  });

  it.each([
    ['no goal', { goal: undefined }],
    ['a string value', { value: '12.5' }],
    ['assignments as an array', { assignments: ['hero'] }],
    ['a non-string assignment', { assignments: { hero: 1 } }],
    ['segments as a string', { segments: 'returning' }],
    ['a non-string segment', { segments: [1] }],
    ['an experience field on a conversion', { experience: 'hero' }],
  ])('rejects a conversion with %s', async (_, change) => {
    const wrong: Record<string, unknown> = {
      ...conversion('v-bad-conv', 'purchase', { hero: 'b' }),
      ...change,
    };
    for (const k of Object.keys(change))
      if ((change as Record<string, unknown>)[k] === undefined) delete wrong[k];
    const r = await post(batch([wrong]));
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(has(wrong.id as string)).toBe(false);
  });

  it('accepts a conversion value and forced: true', async () => {
    const c = conversion('v-val', 'purchase', {}, T0, { value: 49.9 });
    const x = exposure('v-val', 'hero', 'b', T0, { forced: true });
    expect((await post(batch([c, x]))).status).toBe(204);
    expect(db.prepare('SELECT value FROM events WHERE id = ?').get(c.id).value).toBe(49.9);
    expect(db.prepare('SELECT forced FROM events WHERE id = ?').get(x.id).forced).toBe(1);
  });

  it('answers 413 over 64 KiB and stores nothing, with or without content-length', async () => {
    const events = Array.from({ length: 400 }, () => exposure(`v-big-${'x'.repeat(100)}`, 'hero', 'b'));
    const body = batch(events);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY);
    for (const chunked of [false, true]) {
      const r = await http('POST', '/collect', body, { 'content-type': 'text/plain' }, chunked);
      expect(r.status).toBe(413);
    }
    expect(has(events[0]!.id)).toBe(false);
    // Exactly at the limit is fine (padding in JSON whitespace).
    const small = batch([exposure('v-limit', 'hero', 'b')]);
    const padded = small + ' '.repeat(MAX_BODY - Buffer.byteLength(small));
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY);
    expect((await post(padded)).status).toBe(204);
  });

  it('stores duplicate ids once, within a batch and across batches', async () => {
    const e = exposure('v-dup', 'hero', 'b');
    expect((await post(batch([e, e]))).status).toBe(204);
    expect((await post(batch([e]))).status).toBe(204);
    expect((await post(batch([{ ...e, variant: 'control' }]))).status).toBe(204); // first copy wins
    expect(rows(`SELECT variant FROM events WHERE visitor = 'v-dup'`)).toEqual([{ variant: 'b' }]);
  });

  it('keeps no IP or request data: only the docs/events.md columns', async () => {
    const e = exposure('v-ip', 'hero', 'b');
    const r = await post(batch([e]), {
      'x-forwarded-for': '203.0.113.77',
      'x-real-ip': '203.0.113.78',
      'user-agent': 'Agent/UA-MARKER',
    });
    expect(r.status).toBe(204);
    const columns = db
      .prepare('PRAGMA table_info(events)')
      .all()
      .map((c: { name: string }) => c.name);
    expect(columns).toEqual([
      'id',
      'site',
      'type',
      'ts',
      'visitor',
      'session',
      'path',
      'experience',
      'variant',
      'forced',
      'goal',
      'value',
      'segments',
      'received',
    ]);
    const tables = rows(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).map(
      (t: { name: string }) => t.name,
    );
    expect(tables).toEqual(['assignments', 'events']);
    // Nothing from the request headers reached the files (database and WAL).
    const bytes = ['', '-wal']
      .map((s) => {
        try {
          return readFileSync(dbFile + s).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(bytes).toContain(e.id);
    for (const marker of ['203.0.113.77', '203.0.113.78', '127.0.0.1', 'UA-MARKER'])
      expect(bytes).not.toContain(marker);
  });

  it('refuses other methods with 405', async () => {
    const r = await http('GET', '/collect');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST, OPTIONS');
  });
});

describe('CORS', () => {
  it('allows a configured origin and echoes it', async () => {
    const e = exposure('v-cors', 'hero', 'b');
    const r = await post(batch([e]), { origin: ALLOWED });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(r.headers.vary).toBe('Origin');
    expect(has(e.id)).toBe(true);
  });

  it('refuses another origin with 403, no CORS header and nothing stored', async () => {
    const e = exposure('v-cors-denied', 'hero', 'b');
    const r = await post(batch([e]), { origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(has(e.id)).toBe(false);
  });

  it('allows the same origin without configuration', async () => {
    const e = exposure('v-same-origin', 'hero', 'b');
    const r = await post(batch([e]), { origin: `http://127.0.0.1:${port}` });
    expect(r.status).toBe(204);
    expect(has(e.id)).toBe(true);
  });

  it('answers the preflight of an allowed origin', async () => {
    const r = await http('OPTIONS', '/collect', undefined, {
      origin: 'https://other.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('https://other.example');
    expect(r.headers['access-control-allow-methods']).toContain('POST');
    expect(r.headers['access-control-allow-headers']).toContain('content-type');
  });

  it('refuses the preflight of another origin', async () => {
    const r = await http('OPTIONS', '/collect', undefined, {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(r.status).toBe(403);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the report', () => {
  // A small site of its own, so the numbers are known exactly.
  const site = 'report-site';
  const events = [
    // control: 4 exposed visitors (c1 twice), c1 and c2 convert on purchase
    exposure('c1', 'hero', 'control', T0),
    exposure('c1', 'hero', 'control', T0 + 50),
    exposure('c2', 'hero', 'control', T0),
    exposure('c3', 'hero', 'control', T0),
    exposure('c4', 'hero', 'control', T0),
    conversion('c1', 'purchase', { hero: 'control' }, T0 + 10),
    conversion('c1', 'purchase', { hero: 'control' }, T0 + 20), // same visitor again: counted once
    conversion('c2', 'purchase', { hero: 'control' }, T0 + 10),
    conversion('c2', 'signup', { hero: 'control' }, T0 + 10),
    // c3 converted before the exposure: not counted
    conversion('c3', 'purchase', { hero: 'control' }, T0 - 10),
    // b: 2 exposed; b1 converts; b2's conversion carries another variant: not counted
    exposure('b1', 'hero', 'b', T0),
    exposure('b2', 'hero', 'b', T0),
    conversion('b1', 'purchase', { hero: 'b' }, T0),
    conversion('b2', 'purchase', { hero: 'control' }, T0 + 10),
    // a forced exposure is QA traffic: left out
    exposure('f1', 'hero', 'b', T0, { forced: true }),
    conversion('f1', 'purchase', { hero: 'b' }, T0 + 10),
    // the global holdout: 2 visitors, g1 converts; g1 is also exposed to another experience
    exposure('g1', 'hero', 'global-holdout', T0),
    exposure('g2', 'hero', 'global-holdout', T0),
    exposure('g1', 'promo', 'global-holdout', T0),
    conversion('g1', 'purchase', { hero: 'global-holdout', promo: 'global-holdout' }, T0 + 5),
    // another experience without a control: baseline is the holdout
    exposure('p1', 'promo', 'banner', T0),
    exposure('p2', 'promo', 'holdout', T0),
  ];

  beforeAll(async () => {
    expect((await post(batch(events, site))).status).toBe(204);
    expect((await post(batch([exposure('z', 'x', 'control')], 'other-site'))).status).toBe(204);
  });

  it('returns the docs/collector.md JSON shape with the counting rules applied', async () => {
    const r = await http('GET', `/api/report?site=${site}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('application/json');
    const report = r.json();
    // Fields are only ever added after these (summary, value statistics), never renamed.
    expect(Object.keys(report).slice(0, 4)).toEqual(['site', 'generated', 'experiences', 'program']);
    expect(report.site).toBe(site);
    expect(typeof report.generated).toBe('number');
    expect(report.experiences.map((e: { id: string }) => e.id)).toEqual(['hero', 'promo']);
    const hero = report.experiences[0];
    expect(Object.keys(hero)).toEqual(['id', 'baseline', 'srm', 'variants']);
    expect(hero.baseline).toBe('control');
    expect(Object.keys(hero.srm)).toEqual(['p', 'flagged']);
    expect(hero.variants.map((v: { id: string; exposed: number }) => [v.id, v.exposed])).toEqual([
      ['control', 4],
      ['b', 2],
      ['global-holdout', 2],
    ]);
    const control = hero.variants[0].goals;
    expect(Object.keys(control)).toEqual(['purchase', 'signup']); // no manifest for this site: all goals
    expect(Object.keys(control.purchase)).toEqual(
      expect.arrayContaining(['converted', 'rate', 'ci', 'uplift', 'upliftCi', 'p']),
    );
    expect(control.purchase).toMatchObject({
      converted: 2,
      rate: 0.5,
      uplift: null,
      upliftCi: null,
      p: null,
    });
    expect(control.signup.converted).toBe(1);
    const b = hero.variants[1].goals.purchase;
    expect(b.converted).toBe(1);
    expect(b.rate).toBe(0.5);
    expect(b.uplift).toBeCloseTo(0, 12);
    expect(b.p).toBeCloseTo(1, 12);
    expect(hero.variants[2].goals.purchase.converted).toBe(1);
    // SRM without a manifest: equal weights over control and b (4 vs 2): chi2 = 2/3, df 1.
    expect(hero.srm.p).toBeCloseTo(0.4142, 4);
    expect(hero.srm.flagged).toBe(false);
    const promo = report.experiences[1];
    expect(promo.baseline).toBe('holdout');
    expect(promo.variants.map((v: { id: string }) => v.id)).toEqual(['banner', 'holdout', 'global-holdout']);
    expect(promo.srm.p).toBeNull(); // one randomized arm: nothing to compare
    // Program: personalized = exposed to a non-holdout variant (c1–c4, b1, b2, p1); forced f1 left
    // out. Any conversion at or after the first such exposure counts: c1, c2, b1, b2 (not c3).
    expect(report.program).toMatchObject({
      personalized: {
        visitors: 7,
        goals: { purchase: { converted: 4, rate: 4 / 7 }, signup: { converted: 1, rate: 1 / 7 } },
      },
      holdout: {
        visitors: 2,
        goals: { purchase: { converted: 1, rate: 0.5 }, signup: { converted: 0, rate: 0 } },
      },
    });
  });

  it('uses the manifest for goals and weights of its site, listing unexposed variants', async () => {
    const report = (await http('GET', '/api/report?site=demo-shop')).json();
    const hero = report.experiences.find((e: { id: string }) => e.id === 'hero');
    expect(hero.variants.map((v: { id: string }) => v.id)).toEqual(['control', 'b']);
    expect(Object.keys(hero.variants[0].goals)).toEqual(['purchase']);
    expect(hero.srm.p).not.toBeNull();
  });

  it('needs ?site= when the store holds several sites', async () => {
    const r = await http('GET', '/api/report');
    expect(r.status).toBe(400);
    expect(r.json().sites).toEqual(expect.arrayContaining(['demo-shop', 'other-site', site]));
  });

  it('serves /report as HTML with a table and an SVG chart, and no script', async () => {
    const r = await http('GET', `/report?site=${site}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<table');
    expect(r.body).toContain('<svg');
    expect(r.body).toContain('hero');
    expect(r.body).not.toMatch(/<script/i);
    expect(r.body).not.toMatch(/\son\w+=/i);
  });

  it('lists the sites on /report without ?site=', async () => {
    const r = await http('GET', '/report');
    expect(r.status).toBe(200);
    expect(r.body).toContain(`/report?site=${site}`);
  });

  it('escapes names from the store', async () => {
    const s = '<img src=x onerror=alert(1)>';
    expect((await post(batch([exposure('x1', '<b>exp</b>', '"><svg onload=alert(1)>')], s))).status).toBe(
      204,
    );
    const r = await http('GET', `/report?site=${encodeURIComponent(s)}`);
    expect(r.body).not.toContain('<img src=x');
    expect(r.body).not.toContain('<b>exp');
    expect(r.body).not.toContain('<svg onload');
    expect(r.body).toContain('&lt;b&gt;exp&lt;/b&gt;');
  });

  it('still serves the static folder', async () => {
    const r = await http('GET', '/');
    expect(r.status).toBe(200);
    expect(r.body).toBe('<h1>shop</h1>');
  });
});

describe('tailor report', () => {
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir });
    return { code, out, err };
  }

  it('prints the JSON of one site with --json', async () => {
    const r = await run('report', '--db', dbFile, '--json', '--site', 'report-site');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out.join('\n'));
    expect(report.site).toBe('report-site');
    expect(report.experiences[0].variants[0]).toMatchObject({ id: 'control', exposed: 4 });
  });

  it('prints text tables', async () => {
    const r = await run('report', '--db', dbFile, '--site', 'report-site');
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toContain('hero  (baseline control; sample ratio OK');
    expect(text).toMatch(/control\s+4\s+purchase\s+2\s+50\.00%/);
    expect(text).toContain('Program: personalized visitors vs the global holdout');
  });

  it('asks for --site when the store holds several', async () => {
    const r = await run('report', '--db', dbFile);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^tailor report: the store holds \d+ sites; choose one with site=/);
  });

  it('says in one line that there is no database', async () => {
    const r = await run('report', '--db', 'missing/events.db');
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      `tailor report: no database at ${path.join(dir, 'missing/events.db')} (run "tailor serve" to collect events first)`,
    ]);
  });
});

describe('CLI errors: one line, non-zero exit', () => {
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    let srv: Server | undefined;
    const code = await Promise.race([
      main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir, onServer: (s) => (srv = s) }),
      // A guard, not a wait: each case fails at start-up, so main() returns at once; a serve
      // that wrongly started would never return, and -1 fails the test instead of hanging it.
      new Promise<number>((r) => setTimeout(() => r(-1), 10_000)),
    ]);
    srv?.close();
    return { code, out, err };
  }
  const oneLine = (err: string[]) => {
    expect(err).toHaveLength(1);
    expect(err[0]).not.toContain('\n');
    expect(err[0]).not.toMatch(/\s+at\s/);
  };

  it('port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const r = await run('serve', 'site', '--port', String(taken), '--db', path.join(dir, 'p.db'));
      expect(r.code).toBe(1);
      oneLine(r.err);
      expect(r.err[0]).toBe(
        `tailor serve: port ${taken} on 127.0.0.1 is already in use; choose another with --port`,
      );
    } finally {
      blocker.close();
    }
  });

  it('a directory that does not exist', async () => {
    const r = await run('serve', 'no-such-dir', '--port', '0', '--db', path.join(dir, 'd.db'));
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err[0]).toBe(`tailor serve: ${path.join(dir, 'no-such-dir')}: no such directory`);
  });

  it('a file given as the directory', async () => {
    const r = await run('serve', 'manifest.json', '--port', '0', '--db', path.join(dir, 'd.db'));
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err[0]).toMatch(/manifest\.json: not a directory$/);
  });

  it('an unwritable database path', async () => {
    // A path under a regular file cannot be created, even by root.
    const r = await run('serve', 'site', '--port', '0', '--db', 'manifest.json/events.db');
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err[0]).toMatch(
      /^tailor serve: cannot open database .*manifest\.json\/events\.db: (EEXIST|ENOTDIR)/,
    );
  });

  it('a database file that is not SQLite', async () => {
    writeFileSync(path.join(dir, 'not-a.db'), 'x'.repeat(4096));
    const r = await run('serve', 'site', '--port', '0', '--db', 'not-a.db');
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err[0]).toMatch(/^tailor serve: cannot use database .*not-a\.db: file is not a database/);
  });

  it('a bad --port and a missing manifest', async () => {
    let r = await run('serve', 'site', '--port', 'abc');
    expect(r.code).toBe(2);
    oneLine(r.err);
    r = await run('serve', 'site', '--port', '0', '--db', path.join(dir, 'm.db'), '--manifest', 'nope.json');
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(r.err[0]).toMatch(/^tailor serve: manifest .*nope\.json: no such file$/);
  });
});

describe('schema migrations', () => {
  it('records the schema version and refuses a newer database', () => {
    const file = path.join(dir, 'mig', 'events.db');
    openStore(file).close();
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openStore(file)).toThrow(/schema version \d+, newer than this tailor understands/);
  });

  it('reopens an up-to-date database without migrating again', async () => {
    const file = path.join(dir, 'mig2', 'events.db');
    const a = openStore(file);
    a.insert(
      's',
      [
        {
          type: 'exposure',
          id: 'x'.repeat(16),
          ts: 1,
          visitor: 'v',
          session: 's',
          path: '/',
          experience: 'e',
          variant: 'control',
        },
      ],
      1,
    );
    a.close();
    const b = openStore(file);
    expect(await b.count()).toBe(1);
    b.close();
  });
});
