// Who may read reports and who may write events: the report token (required beyond loopback,
// generated when none is given), the site allowlist of /collect, the per-client rate limit, and
// CORS decided by the Origin header alone. Real `tailor serve` processes, real SQLite, real HTTP.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchOf, CLI, exposure, killAll, raw, type Serve, startServe } from './serve-process';

afterAll(killAll);

// Each test starts real server processes: the timeouts bound a machine with busy cores, they are
// not performance figures.

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-access-'));
mkdirSync(path.join(dir, 'site'));
writeFileSync(
  path.join(dir, 'shop.json'),
  JSON.stringify({
    version: 1,
    site: 'shop',
    experiences: [{ id: 'hero', variants: [{ id: 'control' }, { id: 'b' }] }],
  }),
);
let dbs = 0;
const serve = (args: string[], env?: Record<string, string>) =>
  startServe(['site', '--port', '0', '--db', path.join(dir, `events-${++dbs}.db`), ...args], {
    cwd: dir,
    env,
  });

async function using(s: Serve, check: (s: Serve) => Promise<void>) {
  try {
    await check(s);
  } finally {
    await s.stop();
  }
}

const collect = (s: Serve, site: string, headers: Record<string, string> = {}) =>
  raw(s.port, 'POST', '/collect', batchOf(site, [exposure(`v-${site}`)]), {
    'content-type': 'text/plain',
    ...headers,
  });

describe('report token', { timeout: 60_000 }, () => {
  it('beyond loopback: generates and prints a token, and both report routes require it', async () => {
    await using(await serve(['--host', '0.0.0.0']), async (s) => {
      const m = /Report token \(generated[^)]*\): (\S+)/.exec(s.output());
      expect(m, s.output()).not.toBeNull();
      const token = m![1]!;
      expect(token.length).toBeGreaterThanOrEqual(24);
      expect((await collect(s, 'shop')).status).toBe(204);
      for (const route of ['/api/report', '/report', '/api/report?site=shop', '/report?site=shop']) {
        const denied = await raw(s.port, 'GET', route);
        expect({ route, status: denied.status }).toEqual({ route, status: 401 });
        expect(denied.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(denied.body).not.toContain('hero');
        expect((await raw(s.port, 'GET', route, undefined, { authorization: 'Bearer wrong' })).status).toBe(
          401,
        );
        expect(
          (await raw(s.port, 'GET', `${route}${route.includes('?') ? '&' : '?'}token=wrong`)).status,
        ).toBe(401);
      }
      const ok = await raw(s.port, 'GET', '/api/report?site=shop', undefined, {
        authorization: `Bearer ${token}`,
      });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).site).toBe('shop');
      // The page in a browser: ?token=, carried into its links, and no Referer leak.
      const page = await raw(s.port, 'GET', `/report?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.body).toContain(`/report?site=shop&amp;token=${token}`);
      // No allowlist beyond loopback: a warning says so.
      expect(s.output()).toMatch(/warning: \/collect accepts events for any site/);
    });
  });

  it('a token given (flag or environment) is required on loopback too, and never printed', async () => {
    await using(await serve(['--report-token', 'flag-token-123']), async (s) => {
      expect((await raw(s.port, 'GET', '/api/report')).status).toBe(401);
      expect((await raw(s.port, 'GET', '/report')).status).toBe(401);
      const r = await raw(s.port, 'GET', '/api/report', undefined, {
        authorization: 'Bearer flag-token-123',
      });
      expect(r.status).toBe(404); // authorized; nothing stored yet
      expect(s.output()).not.toContain('flag-token-123');
    });
    await using(await serve([], { TAILOR_REPORT_TOKEN: 'env-token-456' }), async (s) => {
      expect((await raw(s.port, 'GET', '/report')).status).toBe(401);
      expect((await raw(s.port, 'GET', '/report?token=env-token-456')).status).toBe(200);
    });
  });

  it('loopback without a token stays open, as before', async () => {
    await using(await serve([]), async (s) => {
      expect((await raw(s.port, 'GET', '/report')).status).toBe(200);
      expect(s.output()).not.toMatch(/token|warning/i);
    });
  });
});

describe('site allowlist', { timeout: 60_000 }, () => {
  it('accepts only the sites of --manifest files and --site, answering 403 to others', async () => {
    const other = path.join(dir, 'blog.json');
    writeFileSync(other, JSON.stringify({ version: 1, site: 'blog' }));
    await using(
      await serve(['--manifest', 'shop.json', '--manifest', other, '--site', 'docs', '--host', '0.0.0.0']),
      async (s) => {
        for (const site of ['shop', 'blog', 'docs']) expect((await collect(s, site)).status).toBe(204);
        const r = await collect(s, 'evil');
        expect(r.status).toBe(403);
        expect(JSON.parse(r.body)).toMatchObject({ accepted: 0, rejected: 1 });
        expect(s.output()).not.toMatch(/warning/);
      },
    );
  });
});

describe('rate limit', { timeout: 60_000 }, () => {
  it('answers 429 with Retry-After past the limit, per client address', async () => {
    await using(await serve(['--rate-limit', '5/60']), async (s) => {
      for (let i = 0; i < 5; i++) expect((await collect(s, 'shop')).status).toBe(204);
      const r = await collect(s, 'shop');
      expect(r.status).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Without --trust-proxy a forged X-Forwarded-For changes nothing.
      expect((await collect(s, 'shop', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
      // Reports are not limited.
      expect((await raw(s.port, 'GET', '/api/report?site=shop')).status).toBe(200);
    });
  });

  it('with --trust-proxy, counts the client the proxy names; beyond loopback the default applies', async () => {
    await using(await serve(['--rate-limit', '2/60', '--trust-proxy', '--site', 'shop']), async (s) => {
      const as = (ip: string) => collect(s, 'shop', { 'x-forwarded-for': `198.51.100.1, ${ip}` });
      expect((await as('203.0.113.1')).status).toBe(204);
      expect((await as('203.0.113.1')).status).toBe(204);
      expect((await as('203.0.113.1')).status).toBe(429);
      expect((await as('203.0.113.2')).status).toBe(204);
      // Behind a proxy the report is reachable from outside: a token is generated.
      expect(s.output()).toMatch(/Report token \(generated/);
    });
    // The default limit beyond loopback is generous: a burst of page views passes.
    await using(await serve(['--host', '0.0.0.0', '--site', 'shop']), async (s) => {
      const statuses = await Promise.all(Array.from({ length: 50 }, () => collect(s, 'shop')));
      expect(statuses.map((r) => r.status)).toEqual(Array(50).fill(204));
    });
  });

  it('refuses a malformed --rate-limit and unknown options in one line', () => {
    const run = (...args: string[]) => {
      try {
        execFileSync(process.execPath, [CLI, 'serve', 'site', '--port', '0', ...args], {
          cwd: dir,
          stdio: 'pipe',
          timeout: 30_000, // a server that starts instead of refusing is stopped, and the test fails
        });
        return '';
      } catch (e) {
        return String((e as { stderr: Buffer }).stderr);
      }
    };
    expect(run('--rate-limit', 'lots')).toMatch(/--rate-limit must be <requests>\/<seconds>/);
    expect(run('--report-tokn', 'x')).toMatch(/unknown option --report-tokn/);
  });
});

describe('CORS by Origin only', { timeout: 60_000 }, () => {
  it('refuses a foreign Origin even when Host is forged to match it', async () => {
    await using(await serve(['--cors', 'https://shop.example']), async (s) => {
      const forged = await collect(s, 'shop', { origin: 'https://evil.example', host: 'evil.example' });
      expect(forged.status).toBe(403);
      expect(forged.headers['access-control-allow-origin']).toBeUndefined();
      const listed = await collect(s, 'shop', { origin: 'https://shop.example', host: 'anything' });
      expect(listed.status).toBe(204);
      expect(listed.headers['access-control-allow-origin']).toBe('https://shop.example');
      // The server's own pages may send.
      expect((await collect(s, 'shop', { origin: `http://127.0.0.1:${s.port}` })).status).toBe(204);
      expect((await collect(s, 'shop', { origin: `http://localhost:${s.port}` })).status).toBe(204);
    });
  });
});

describe('tailor serve --help', { timeout: 60_000 }, () => {
  it('documents every access option', () => {
    const help = execFileSync(process.execPath, [CLI, 'help'], { encoding: 'utf8' });
    for (const f of [
      '--report-token',
      'TAILOR_REPORT_TOKEN',
      '--site',
      '--manifest',
      '--rate-limit',
      '--trust-proxy',
      '--cors',
    ])
      expect(help).toContain(f);
    expect(help).toMatch(/Bearer/);
    expect(help).toMatch(/403/);
    expect(help).toMatch(/429/);
  });
});
