// Many collectors, one store: two `tailor serve` processes (the built dist/cli.js) on two ports
// writing to one real clickhouse-server. Clients send unique-id batches to both at once:
// - with both running, every batch is answered 204 and the store holds exactly the events
//   acknowledged (acked = stored);
// - `kill -9` of one collector mid-load loses no acknowledged event (the other keeps answering),
//   and nothing is stored that was never sent.
// A few seconds of load; the 20 s autocannon run with figures is `npm run bench:collector`.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget } from '../../budget';
import { type ClickHouse, hasClickHouse, startClickHouse } from './clickhouse-server';
import { killAll, type Serve, startServe } from './serve-process';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-ch-collectors-'));
mkdirSync(path.join(dir, 'site'));

let seq = 0;
function makeBatch(site: string): { ids: string[]; body: string } {
  const events = Array.from({ length: 20 }, () => {
    const id = `many-${process.pid}-${String(++seq).padStart(12, '0')}`;
    return {
      id,
      type: 'exposure',
      ts: Date.now(),
      visitor: `v${seq % 997}`,
      session: 's',
      path: '/',
      experience: 'hero',
      variant: seq % 2 ? 'b' : 'control',
    };
  });
  return { ids: events.map((e) => e.id), body: JSON.stringify({ v: 1, site, sent: Date.now(), events }) };
}

function send(port: number, agent: Agent, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/collect',
        method: 'POST',
        agent,
        headers: { 'content-type': 'text/plain' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0)); // the kill: no answer, so not acknowledged
    req.end(body);
  });
}

/** Polls `f` until it is true or the budget runs out (then throws with `what`). */
async function until(f: () => boolean, ms: number, what: string) {
  const end = Date.now() + budget(ms);
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Load on both collectors, `clients` connections each, until stopped; a connection whose batch
 * fails moves to the other collector.
 */
function load(ports: number[], site: string, clients = 6) {
  const acked: string[] = [];
  const sent = new Set<string>();
  const perPort = ports.map(() => 0);
  let failed = 0;
  let stop = false;
  const run = async (k: number) => {
    const agent = new Agent({ keepAlive: true });
    let p = k % ports.length;
    while (!stop) {
      const { ids, body } = makeBatch(site);
      for (const id of ids) sent.add(id);
      const status = await send(ports[p]!, agent, body);
      if (status === 204) {
        acked.push(...ids);
        perPort[p]!++;
      } else {
        failed++;
        p = (p + 1) % ports.length; // as a load balancer does: the next collector
      }
    }
    agent.destroy();
  };
  const all = Array.from({ length: clients * ports.length }, (_, k) => run(k));
  return {
    acked,
    sent,
    perPort,
    failed: () => failed,
    async stop() {
      stop = true;
      await Promise.all(all);
    },
  };
}

// No ClickHouse binary on this machine (`.ci/run` installs Debian's clickhouse-server, so CI
// runs these): the point is two real processes and a real server, nothing to fake.
describe.skipIf(!hasClickHouse)('two collectors on one ClickHouse', { timeout: budget(60_000) }, () => {
  let ch: ClickHouse;
  const serves: Serve[] = [];
  beforeAll(async () => {
    ch = await startClickHouse(budget(60_000));
  }, budget(90_000));
  afterAll(async () => {
    for (const s of serves) await s.stop();
    killAll();
    await ch?.stop();
  });

  const stored = async (db: string) =>
    new Set((await ch.query(`SELECT id FROM ${db}.tailor_events FINAL`)).trim().split('\n').filter(Boolean));

  it('stores exactly the events acknowledged by either collector', async () => {
    const a = await startServe(['site', '--port', '0', '--store', ch.url('pair')], { cwd: dir });
    const b = await startServe(['site', '--port', '0', '--store', ch.url('pair')], { cwd: dir });
    serves.push(a, b);
    const l = load([a.port, b.port], 'pair');
    await until(() => l.perPort.every((n) => n >= 150), 30_000, '150 acknowledged batches per collector');
    await l.stop();
    expect(l.failed()).toBe(0);
    const ids = await stored('pair');
    expect(ids.size).toBe(l.acked.length);
    expect(l.acked.filter((id) => !ids.has(id))).toEqual([]);
    console.log(
      `two collectors: ${l.acked.length} events acknowledged (${l.perPort.join(' + ')} batches), ${ids.size} stored`,
    );
  });

  it('loses no acknowledged event when one collector is killed with SIGKILL mid-load', async () => {
    const a = await startServe(['site', '--port', '0', '--store', ch.url('kill')], { cwd: dir });
    const b = await startServe(['site', '--port', '0', '--store', ch.url('kill')], { cwd: dir });
    serves.push(a, b);
    const l = load([a.port, b.port], 'kill');
    await until(
      () => l.perPort[0]! >= 100 && l.perPort[1]! >= 100,
      30_000,
      '100 acknowledged batches per collector',
    );
    const exited = new Promise((r) => a.child.once('exit', r));
    a.child.kill('SIGKILL');
    await exited;
    // The survivor keeps taking the load it is sent.
    const atKill = l.perPort[1]!;
    await until(() => l.perPort[1]! >= atKill + 100, 30_000, '100 more batches on the surviving collector');
    await l.stop();
    expect(a.child.signalCode).toBe('SIGKILL');
    const ids = await stored('kill');
    const missing = l.acked.filter((id) => !ids.has(id));
    const figures = `${l.acked.length} events acknowledged, ${l.failed()} batch(es) cut off by the kill, ${ids.size} stored`;
    console.log(`kill -9 of one of two collectors: ${figures}`);
    expect(missing, figures).toEqual([]);
    // Stored beyond the acknowledged: only batches the kill cut off after their INSERT.
    expect([...ids].filter((id) => !l.sent.has(id))).toEqual([]);
    expect(ids.size - l.acked.length).toBeLessThanOrEqual(l.failed() * 20);
  });
});
