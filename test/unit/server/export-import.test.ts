// `tailor export` and `tailor import` on SQLite (the ClickHouse round trip is in
// clickhouse-store.test.ts): beacons through a real `tailor serve`, exported as NDJSON, imported
// into a fresh file, and the report of both files is the same; bad input is named precisely.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';
import { batchOf, exposure, raw, serveInProcess } from './serve-process';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-export-'));
mkdirSync(path.join(dir, 'site'));

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir });
  return { code, out, err };
}

describe('tailor export and tailor import (SQLite)', () => {
  it('round-trips every event, and the report with it', async () => {
    const s = await serveInProcess(['site', '--db', 'a.db'], dir);
    const conversion = (visitor: string, id: string, value?: number) => ({
      id,
      type: 'conversion',
      ts: 1_763_900_000_500,
      visitor,
      session: `${visitor}.1`,
      path: '/thanks',
      goal: 'purchase',
      ...(value === undefined ? {} : { value }),
      assignments: { hero: 'b', promo: 'x' },
      segments: ['returning'],
    });
    try {
      for (let i = 0; i < 30; i++) {
        const body = batchOf(i % 3 ? 'shop' : 'other', [
          exposure(`v${i}`, i % 7 ? {} : { forced: true }),
          exposure(`v${i}`),
          conversion(`v${i}`, `conv-${String(i).padStart(16, '0')}`, i % 4 ? i * 2.5 : undefined),
        ]);
        expect((await raw(s.port, 'POST', '/collect', body)).status).toBe(204);
      }
    } finally {
      s.server.close();
      await s.done;
    }
    const exported = await cli(['export', '--db', 'a.db']);
    expect(exported.code).toBe(0);
    expect(exported.out).toHaveLength(90);
    const first = exported.out.map((l) => JSON.parse(l)).find((e) => e.type === 'exposure' && !e.forced);
    expect(Object.keys(first).sort()).toEqual(
      ['experience', 'id', 'path', 'received', 'session', 'site', 'ts', 'type', 'variant', 'visitor'].sort(),
    );
    expect(exported.out.map((l) => JSON.parse(l).site)).toEqual([
      ...new Array(30).fill('other'),
      ...new Array(60).fill('shop'),
    ]);
    const conv = exported.out.map((l) => JSON.parse(l)).find((e) => e.type === 'conversion' && e.value);
    expect(conv).toMatchObject({ assignments: { hero: 'b', promo: 'x' }, segments: ['returning'] });

    writeFileSync(path.join(dir, 'all.ndjson'), `${exported.out.join('\n')}\n`);
    const imported = await cli(['import', 'all.ndjson', '--db', 'b.db']);
    expect(imported.code).toBe(0);
    expect(imported.err).toEqual(['tailor import: 90 events from all.ndjson stored']);
    expect((await cli(['import', 'all.ndjson', '--store', 'sqlite:b.db'])).code).toBe(0); // again: no change
    expect((await cli(['export', '--db', 'b.db'])).out).toEqual(exported.out);

    for (const site of ['shop', 'other']) {
      const report = async (db: string) => {
        const r = JSON.parse((await cli(['report', '--json', '--db', db, '--site', site])).out.join('\n'));
        delete r.generated;
        return r;
      };
      expect(await report('b.db')).toEqual(await report('a.db'));
    }
    const one = await cli(['export', '--db', 'a.db', '--site', 'other', '-o', 'out/other.ndjson']);
    expect(one.err).toEqual(['tailor export: 30 events written to out/other.ndjson']);
    expect(readFileSync(path.join(dir, 'out/other.ndjson'), 'utf8').trim().split('\n')).toEqual(
      exported.out.slice(0, 30),
    );
  });

  it('names the bad line, the missing file and the unknown option', async () => {
    writeFileSync(
      path.join(dir, 'bad.ndjson'),
      `${JSON.stringify({ site: 's', received: 1, ...exposure('v') })}\n\nnot json\n`,
    );
    const bad = await cli(['import', 'bad.ndjson', '--db', 'c.db']);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual(['tailor import: bad.ndjson:3: invalid JSON (1 events before it were stored)']);
    writeFileSync(
      path.join(dir, 'extra.ndjson'),
      `${JSON.stringify({ site: 's', received: 1, ...exposure('v'), ip: '1.2.3.4' })}\n`,
    );
    expect((await cli(['import', 'extra.ndjson', '--db', 'c.db'])).err[0]).toMatch(
      /extra\.ndjson:1: unknown field\(s\) "ip"/,
    );
    writeFileSync(path.join(dir, 'nosite.ndjson'), `${JSON.stringify({ received: 1, ...exposure('v') })}\n`);
    expect((await cli(['import', 'nosite.ndjson', '--db', 'c.db'])).err[0]).toMatch(
      /nosite\.ndjson:1: site must be/,
    );
    expect((await cli(['import', 'nope.ndjson', '--db', 'c.db'])).err).toEqual([
      'tailor import: nope.ndjson: no such file',
    ]);
    expect((await cli(['import', '--db', 'c.db'])).code).toBe(2);
    expect((await cli(['export', '--db', 'c.db', '--format', 'csv'])).err[0]).toMatch(
      /unknown option --format/,
    );
    expect((await cli(['export', '--db', 'missing.db'])).err[0]).toMatch(/no database at .*missing\.db/);
  });
});
