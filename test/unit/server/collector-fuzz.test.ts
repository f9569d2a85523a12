// No request stops the collector. A real `tailor serve` process on loopback gets thousands of
// hostile bodies: nesting swept up to 100,000 deep, random JSON and random bytes, structured
// batches with wrong types, huge numbers and `__proto__` keys, invalid UTF-8, wrong content
// types, truncated, aborted and trickled requests. Every one gets a 4xx (or 204 when it happens
// to be valid), never a 5xx, and the server still answers /api/report at the end.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../../budget';
import { batchOf, exposure, killAll, raw, type Serve, startServe } from './serve-process';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-fuzz-'));
mkdirSync(path.join(dir, 'site'));
let s: Serve;

beforeAll(async () => {
  s = await startServe(['site', '--port', '0', '--db', path.join(dir, 'events.db')], { cwd: dir });
}, budget(60_000));
afterAll(async () => {
  await s?.stop();
  killAll();
});

/** Statuses a hostile body may get: stored, refused as malformed, or too large. */
const FINE = [204, 400, 413];
const statuses = new Map<number, number>();

async function post(body: string | Buffer, contentType = 'text/plain;charset=UTF-8'): Promise<number> {
  const r = await raw(s.port, 'POST', '/collect', body, { 'content-type': contentType });
  statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
  return r.status;
}

/** Sends bodies over a few keep-alive connections at once; what each got, with the body when not fine. */
async function sendAll(bodies: (string | Buffer)[]): Promise<{ status: number; body?: string }[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 6 });
  const out: { status: number; body?: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const r = await raw(s.port, 'POST', '/collect', body, { 'content-type': 'text/plain' }, agent);
      statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
      out.push(
        FINE.includes(r.status)
          ? { status: r.status }
          : { status: r.status, body: String(body).slice(0, 200) },
      );
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  agent.destroy();
  return out;
}

/** The server is alive and its report works. */
async function alive(): Promise<void> {
  expect(s.child.exitCode, s.output()).toBeNull();
  const r = await raw(s.port, 'GET', '/api/report?site=fuzz');
  expect(r.status, s.output()).toBe(200);
  expect(JSON.parse(r.body).site).toBe('fuzz');
}

const nest = (depth: number, open: string, close: string, inner = '1') =>
  open.repeat(depth) + inner + close.repeat(depth);

// A bound for a machine with busy cores, not a performance figure.
describe('the collector under hostile bodies', { timeout: 90_000 }, () => {
  it('stores a valid batch first (so the report has a site)', async () => {
    expect(await post(batchOf('fuzz', [exposure('fuzz-visitor')]))).toBe(204);
    await alive();
  });

  it('refuses nesting at any depth, in any position, up to 100,000 deep', async () => {
    const depths = [
      1, 2, 4, 8, 15, 16, 17, 32, 100, 1000, 4000, 5000, 10_000, 30_000, 32_000, 50_000, 100_000,
    ];
    for (const d of depths) {
      const arrays = nest(d, '[', ']');
      const objects = nest(d, '{"a":', '}');
      const mixed = nest(d, '[{"x":', '}]');
      const bodies = [
        `{"v":${arrays}}`,
        `{"v":${objects}}`,
        `{"v":1,"site":"fuzz","sent":1,"events":${arrays}}`,
        `{"v":1,"site":"fuzz","sent":1,"events":[${mixed}]}`,
        `{"v":1,"site":"fuzz","sent":1,"events":[{"type":"conversion","assignments":${objects}}]}`,
        arrays,
        '['.repeat(d), // never closed
        `{"v":"${'['.repeat(Math.min(d, 60_000))}"}`, // brackets inside a string are not nesting
      ];
      for (const body of bodies) expect(FINE).toContain(await post(body));
    }
    await alive();
  });

  it('answers random JSON and random bytes with a 4xx', async () => {
    const bodies = fc.sample(
      fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
        fc.string({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
        fc.jsonValue().map((events) => JSON.stringify({ v: 1, site: 'fuzz', sent: 1, events })),
      ),
      { numRuns: 1000, seed: 42 },
    );
    const got = await sendAll(bodies);
    expect(got.filter((r) => !FINE.includes(r.status))).toEqual([]);
    await alive();
  });

  it('answers structured hostile batches with a 4xx or 204, never a 5xx', async () => {
    const hostile = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        '',
        'x'.repeat(5000),
        -0,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        2 ** 53 + 1,
        [],
        {},
        { __proto__: null },
        '\ud800',
        '\u0000',
      ),
    );
    const field = fc.constantFrom(
      'id',
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
      'assignments',
      'segments',
      '__proto__',
      'constructor',
    );
    const event = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(field, hostile), { maxLength: 4 }), fc.nat())
      .map(([isConversion, changes, n]) => {
        const e: Record<string, unknown> = isConversion
          ? {
              ...exposure(`v${n % 50}`),
              type: 'conversion',
              goal: 'purchase',
              assignments: { hero: 'b' },
              segments: ['s'],
            }
          : exposure(`v${n % 50}`);
        if (isConversion) {
          delete e.experience;
          delete e.variant;
        }
        for (const [k, v] of changes)
          Object.defineProperty(e, k, { value: v, enumerable: true, configurable: true, writable: true });
        return e;
      });
    const envelope = fc.tuple(
      fc.array(event, { maxLength: 5 }),
      fc.array(fc.tuple(fc.constantFrom('v', 'site', 'sent', 'events', '__proto__'), hostile), {
        maxLength: 2,
      }),
    );
    const texts = fc.sample(
      fc.tuple(envelope, fc.boolean()).map(([[events, changes], hugeNumbers]) => {
        const body: Record<string, unknown> = { v: 1, site: 'fuzz', sent: 1, events };
        for (const [k, v] of changes)
          Object.defineProperty(body, k, { value: v, enumerable: true, configurable: true, writable: true });
        let text = JSON.stringify(body);
        // Numbers JSON.stringify cannot write: parsed to Infinity or to 0.
        if (hugeNumbers)
          text = text.replace(/"ts":[^,}]*/g, '"ts":1e400').replace(/"sent":1/, '"sent":-1e-400');
        return text;
      }),
      { numRuns: 1000, seed: 7 },
    );
    const got = await sendAll(texts);
    expect(got.filter((r) => !FINE.includes(r.status))).toEqual([]);
    expect(got.some((r) => r.status === 204)).toBe(true); // the structure is close enough to pass at times
    await alive();
  });

  it('answers invalid UTF-8 and wrong content types', async () => {
    const valid = batchOf('fuzz', [exposure('utf8')]);
    const bad = [
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.concat([
        Buffer.from(valid.slice(0, 40)),
        Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),
        Buffer.from(valid.slice(40)),
      ]),
      Buffer.from(valid.replace('utf8', '\ud800\udfff\ud800')),
      Buffer.from(`\ufeff${valid}`),
      Buffer.from(valid, 'utf16le'),
    ];
    for (const b of bad) expect(FINE).toContain(await post(b));
    for (const type of [
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'image/png',
      '',
      'text/plain;charset=latin1',
    ])
      expect(FINE).toContain(await post(batchOf('fuzz', [exposure('types')]), type));
    await alive();
  });

  it('survives truncated, aborted, trickled and malformed requests', async () => {
    const socket = (lines: string[], end: 'end' | 'destroy', delayMs = 0) =>
      new Promise<void>((resolve) => {
        const c = connect(s.port, '127.0.0.1');
        c.on('error', () => resolve());
        c.on('close', () => resolve());
        c.on('data', () => {});
        c.on('connect', async () => {
          for (const l of lines) {
            if (c.destroyed) break;
            c.write(l);
            if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          }
          if (end === 'end') c.end();
          else c.destroy();
        });
      });
    const body = batchOf('fuzz', [exposure('cut')]);
    const head = (length: number, extra = '') =>
      `POST /collect HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n${extra}\r\n`;
    await Promise.all([
      socket([head(body.length), body.slice(0, 20)], 'end'), // truncated, then half-closed
      socket([head(body.length), body.slice(0, 20)], 'destroy'), // aborted mid-body
      socket([head(1_000_000)], 'destroy'), // promised too much
      socket(
        ['POST /collect HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"v":\r\n'],
        'destroy',
      ),
      socket(['POST /collect HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde'], 'end'),
      socket(['GARBAGE / HTTP/9\r\n\r\n'], 'end'),
      socket(['POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'], 'end'),
      socket([head(body.length), ...body.match(/.{1,8}/g)!], 'end', 2), // trickled, completes
      socket(['POST /collect HTTP/1.1\r\nHost: x\r\n'], 'destroy'), // headers never finished
      socket([`GET /api/report?site=fuzz HTTP/1.1\r\nHost: x\r\n\r\n`], 'destroy'), // gone before the answer
    ]);
    for (let i = 0; i < 20; i++) await socket([head(body.length), body.slice(0, i * 5)], 'destroy');
    await alive();
  });

  it('never answered a hostile body with a 5xx', () => {
    const errors = [...statuses].filter(([status]) => status >= 500 || status === 0);
    expect(errors).toEqual([]);
  });
});
