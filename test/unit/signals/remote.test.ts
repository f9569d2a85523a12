// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Manifest, RemoteSource } from '../../../src/manifest/types';
import { createStore } from '../../../src/storage/store';

type RemoteModule = typeof import('../../../src/signals/remote');
type RuntimeModule = typeof import('../../../src/runtime');

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const URL_A = '/api/weather?tz=Europe%2FMadrid';
const source = (extra: Partial<RemoteSource> = {}): RemoteSource => ({
  url: '/api/weather?tz={{geo.timezone}}',
  timeoutMs: 50,
  ttlSeconds: 60,
  ...extra,
});

/** What the runtime passes: a session store for this load, persisting only with consent. */
const deps = (now: number, persist?: boolean) => ({ now, cache: createStore({ session: true, persist }) });

let remote: RemoteModule;
let fetchMock: ReturnType<typeof vi.fn>;
const realFetch = globalThis.fetch;

const json = (body: unknown, status = 200) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

function tlrSessionKeys(): string[] {
  const out: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const k = sessionStorage.key(i)!;
    if (k.startsWith('tlr_')) out.push(k);
  }
  return out;
}

beforeEach(async () => {
  // A fresh module per test: no state can leak from one test into the next.
  vi.resetModules();
  remote = await import('../../../src/signals/remote');
  localStorage.clear();
  sessionStorage.clear();
  fetchMock = vi.fn();
  globalThis.fetch = fetchMock as unknown as typeof fetch;
});

afterEach(() => {
  globalThis.fetch = realFetch;
  vi.useRealTimers();
});

describe('referencedRemotes', () => {
  const m = (extra: Partial<Manifest>): Manifest => ({
    version: 1,
    site: 's',
    remote: { weather: source(), cdp: source({ url: '/cdp' }), 'cdp-v2': source({ url: '/cdp2' }) },
    ...extra,
  });

  it('nothing is referenced: no remote is needed', () => {
    expect(remote.referencedRemotes(m({ segments: { a: { 'geo.country': 'ES' } } }))).toEqual(new Set());
  });

  it('finds references in segments, audiences, scores and templates', () => {
    expect(
      remote.referencedRemotes(m({ segments: { hot: { 'remote.weather.temp': { $gt: 25 } } } })),
    ).toEqual(new Set(['weather']));
    expect(
      remote.referencedRemotes(
        m({ experiences: [{ id: 'e', audience: { 'remote.cdp.tier': 'gold' }, variants: [{ id: 'v' }] }] }),
      ),
    ).toEqual(new Set(['cdp']));
    expect(remote.referencedRemotes(m({ scores: { s: { weights: { 'remote.cdp.ltv': 1 } } } }))).toEqual(
      new Set(['cdp']),
    );
    expect(
      remote.referencedRemotes(
        m({
          experiences: [
            {
              id: 'e',
              variants: [
                {
                  id: 'v',
                  actions: [
                    { type: 'text', selector: 'h1', value: 'It is {{remote.weather.temp|warm}} today' },
                  ],
                },
              ],
            },
          ] as Manifest['experiences'],
        }),
      ),
    ).toEqual(new Set(['weather']));
  });

  it('a name that is a prefix of another is not referenced by the longer one', () => {
    expect(remote.referencedRemotes(m({ segments: { a: { 'remote.cdp-v2.x': 1 } } }))).toEqual(
      new Set(['cdp-v2']),
    );
    expect(remote.referencedRemotes(m({ segments: { a: { 'remote.cdp.x': 1 } } }))).toEqual(new Set(['cdp']));
    expect(remote.referencedRemotes(m({ segments: { a: { 'remote.cdpx.x': 1 } } }))).toEqual(new Set());
  });

  it('a reference to a source not declared in manifest.remote is ignored', () => {
    expect(remote.referencedRemotes(m({ segments: { a: { 'remote.other.x': 1 } } }))).toEqual(new Set());
    expect(remote.referencedRemotes({ version: 1, site: 's', segments: { a: { 'remote.x': 1 } } })).toEqual(
      new Set(),
    );
  });
});

describe('fetchRemote', () => {
  it('returns the JSON and fetches the given URL with credentials same-origin and an abort signal', async () => {
    fetchMock.mockResolvedValue(json({ temp: 21 }));
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toEqual({
      temp: 21,
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe(URL_A);
    expect(init.credentials).toBe('same-origin');
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('a fetch that never resolves gives null after timeoutMs and aborts the request', async () => {
    let signal: AbortSignal | undefined;
    fetchMock.mockImplementation((_u: string, init: RequestInit) => {
      signal = init.signal!;
      return new Promise(() => {});
    });
    const t0 = performance.now();
    await expect(
      remote.fetchRemote('weather', source({ timeoutMs: 30 }), URL_A, deps(NOW, true)),
    ).resolves.toBeNull();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(signal?.aborted).toBe(true);
    expect(tlrSessionKeys()).toEqual([]);
  });

  it('a body that never arrives also times out', async () => {
    fetchMock.mockResolvedValue({ ok: true, status: 200, json: () => new Promise(() => {}) });
    await expect(
      remote.fetchRemote('weather', source({ timeoutMs: 30 }), URL_A, deps(NOW, true)),
    ).resolves.toBeNull();
  });

  it('the default timeout is 400 ms', async () => {
    vi.useFakeTimers();
    fetchMock.mockImplementation(() => new Promise(() => {}));
    let done: unknown = 'pending';
    const p = remote.fetchRemote('weather', { url: '/x' }, '/x', deps(NOW)).then((v) => {
      done = v;
    });
    await vi.advanceTimersByTimeAsync(399);
    expect(done).toBe('pending');
    await vi.advanceTimersByTimeAsync(2);
    await p;
    expect(done).toBeNull();
  });

  for (const status of [404, 500, 503]) {
    it(`HTTP ${status} gives null (even with a JSON body) and is not cached`, async () => {
      fetchMock.mockResolvedValue(json({ temp: 1 }, status));
      await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toBeNull();
      expect(tlrSessionKeys()).toEqual([]);
    });
  }

  it('204 No Content (empty body, not JSON) gives null', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toBeNull();
    expect(tlrSessionKeys()).toEqual([]);
  });

  it('invalid JSON gives null and is not cached', async () => {
    fetchMock.mockResolvedValue(json('{"temp": 2'));
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toBeNull();
    expect(tlrSessionKeys()).toEqual([]);
    fetchMock.mockResolvedValue(json({ temp: 3 }));
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toEqual({
      temp: 3,
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('a network error (rejected fetch) gives null', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toBeNull();
  });

  it('a fetch that throws synchronously gives null', async () => {
    fetchMock.mockImplementation(() => {
      throw new TypeError('blocked');
    });
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toBeNull();
  });

  it('caches the value in sessionStorage and reuses it within ttlSeconds', async () => {
    fetchMock.mockResolvedValue(json({ temp: 21 }));
    const src = source({ ttlSeconds: 60 });
    await remote.fetchRemote('weather', src, URL_A, deps(NOW, true));
    expect(tlrSessionKeys()).toEqual(['tlr_remote_weather']);
    expect(JSON.parse(sessionStorage.getItem('tlr_remote_weather')!)).toEqual({
      url: URL_A,
      at: NOW,
      value: { temp: 21 },
    });
    expect(localStorage.getItem('tlr_remote_weather')).toBeNull();
    fetchMock.mockResolvedValue(json({ temp: 99 }));
    await expect(remote.fetchRemote('weather', src, URL_A, deps(NOW + 59_999, true))).resolves.toEqual({
      temp: 21,
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // Expired: fetched again.
    await expect(remote.fetchRemote('weather', src, URL_A, deps(NOW + 60_000, true))).resolves.toEqual({
      temp: 99,
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('reuses the sessionStorage copy on the next page load (fresh module)', async () => {
    fetchMock.mockResolvedValue(json({ temp: 21 }));
    await remote.fetchRemote('weather', source(), URL_A, deps(NOW, true));
    vi.resetModules();
    const fresh: RemoteModule = await import('../../../src/signals/remote');
    await expect(fresh.fetchRemote('weather', source(), URL_A, deps(NOW + 1000, true))).resolves.toEqual({
      temp: 21,
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('the default ttl is 1800 s', async () => {
    fetchMock.mockResolvedValue(json({ temp: 21 }));
    const src = { url: '/x' };
    await remote.fetchRemote('weather', src, '/x', deps(NOW, true));
    await remote.fetchRemote('weather', src, '/x', deps(NOW + 1_799_000, true));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await remote.fetchRemote('weather', src, '/x', deps(NOW + 1_800_000, true));
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('a different URL (other template values) is fetched again', async () => {
    fetchMock.mockResolvedValue(json({ temp: 21 }));
    await remote.fetchRemote('weather', source(), URL_A, deps(NOW, true));
    await remote.fetchRemote('weather', source(), '/api/weather?tz=Asia%2FTokyo', deps(NOW, true));
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('sources are cached separately by name', async () => {
    fetchMock.mockImplementation(async (u: string) => json({ from: u }));
    await remote.fetchRemote('a', source(), '/a', deps(NOW, true));
    await remote.fetchRemote('b', source(), '/b', deps(NOW, true));
    expect(tlrSessionKeys().sort()).toEqual(['tlr_remote_a', 'tlr_remote_b']);
    await expect(remote.fetchRemote('a', source(), '/a', deps(NOW, true))).resolves.toEqual({
      from: '/a',
    });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('a corrupted cache entry is ignored and refetched', async () => {
    for (const bad of ['{oops', 'null', '[]', '"x"', JSON.stringify({ url: URL_A, at: 'soon', value: 1 })]) {
      sessionStorage.setItem('tlr_remote_weather', bad);
      vi.resetModules();
      const fresh: RemoteModule = await import('../../../src/signals/remote');
      fetchMock.mockResolvedValue(json({ temp: 5 }));
      await expect(fresh.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toEqual({
        temp: 5,
      });
    }
    expect(fetchMock).toHaveBeenCalledTimes(5);
  });

  it('without consent nothing is written to sessionStorage', async () => {
    fetchMock.mockResolvedValue(json({ temp: 21 }));
    await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, false))).resolves.toEqual({
      temp: 21,
    });
    expect(tlrSessionKeys()).toEqual([]);
  });

  it('sessionStorage that throws: the value still comes back and nothing throws', async () => {
    const desc = Object.getOwnPropertyDescriptor(globalThis, 'sessionStorage');
    Object.defineProperty(globalThis, 'sessionStorage', {
      configurable: true,
      get() {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    try {
      fetchMock.mockResolvedValue(json({ temp: 21 }));
      await expect(remote.fetchRemote('weather', source(), URL_A, deps(NOW, true))).resolves.toEqual({
        temp: 21,
      });
    } finally {
      if (desc) Object.defineProperty(globalThis, 'sessionStorage', desc);
    }
  });
});

describe('runtime: remote enrichment', () => {
  let runtime: RuntimeModule;
  let tailors: { destroy(): void }[] = [];
  beforeEach(async () => {
    runtime = await import('../../../src/runtime');
    history.replaceState(null, '', '/');
  });
  afterEach(() => {
    for (const t of tailors) t.destroy();
    tailors = [];
  });
  const make = (manifest: Partial<Manifest>, opts: Record<string, unknown> = {}) => {
    const t = runtime.createTailor({
      manifest: { version: 1, site: 's', ...manifest },
      now: () => NOW,
      ...opts,
    });
    tailors.push(t);
    return t;
  };
  const remotes = { weather: source({ url: '/api/weather?city={{data.city}}', timeoutMs: 50 }) };

  it('does not fetch a source nothing references', async () => {
    fetchMock.mockResolvedValue(json({ temp: 30 }));
    const t = make({ remote: remotes, segments: { es: { 'geo.country': 'ES' } } });
    await t.start();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(t.context().remote).toEqual({});
  });

  it('fetches a referenced source, fills the URL template (URL-encoded) and segments on it', async () => {
    fetchMock.mockResolvedValue(json({ temp: 30 }));
    (globalThis as { dataLayer?: unknown }).dataLayer = [{ city: 'A Coruña & co' }];
    try {
      const t = make({
        remote: remotes,
        dataLayer: ['city'],
        segments: { hot: { 'remote.weather.temp': { $gt: 25 } } },
      });
      await t.start();
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(fetchMock.mock.calls[0]![0]).toBe(`/api/weather?city=${encodeURIComponent('A Coruña & co')}`);
      expect(t.context().remote).toEqual({ weather: { temp: 30 } });
      expect(t.segments()).toEqual(['hot']);
    } finally {
      delete (globalThis as { dataLayer?: unknown }).dataLayer;
    }
  });

  it('on timeout the value is null, an error is reported and start() still resolves', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    const t = make({ remote: remotes, segments: { hot: { 'remote.weather.temp': { $gt: 25 } } } });
    const errors: string[] = [];
    t.on('error', (e) => errors.push(e.path || ''));
    await t.start();
    expect(t.context().remote).toEqual({ weather: null });
    expect(t.segments()).toEqual([]);
    expect(errors).toContain('remote.weather');
  });

  it('an HTTP error gives null and the run continues', async () => {
    fetchMock.mockResolvedValue(json({ error: 'x' }, 503));
    const t = make({ remote: remotes, segments: { any: {}, hot: { 'remote.weather.temp': { $gt: 25 } } } });
    await t.start();
    expect(t.context().remote).toEqual({ weather: null });
    expect(t.segments()).toEqual(['any']);
  });

  it('is reused from the cache on the next page view', async () => {
    fetchMock.mockResolvedValue(json({ temp: 30 }));
    const t = make({ remote: remotes, segments: { hot: { 'remote.weather.temp': { $gt: 25 } } } });
    await t.start();
    t.page();
    await vi.waitFor(() => expect(t.context().session.pageviews).toBe(2));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(t.context().remote).toEqual({ weather: { temp: 30 } });
  });

  it('consent denied: nothing tlr_ is written to sessionStorage', async () => {
    fetchMock.mockResolvedValue(json({ temp: 30 }));
    const t = make(
      { remote: remotes, segments: { hot: { 'remote.weather.temp': { $gt: 25 } } } },
      { consent: 'denied' },
    );
    await t.start();
    expect(t.context().remote).toEqual({ weather: { temp: 30 } });
    expect(tlrSessionKeys()).toEqual([]);
  });

  it('forget() after a fetch leaves no remote data to be written back later', async () => {
    fetchMock.mockResolvedValue(json({ temp: 30 }));
    const t = make({ remote: remotes, segments: { hot: { 'remote.weather.temp': { $gt: 25 } } } });
    await t.start();
    expect(tlrSessionKeys()).toEqual(['tlr_remote_weather']);
    t.consent('denied');
    expect(tlrSessionKeys()).toEqual([]);
    t.consent('granted');
    fetchMock.mockRejectedValue(new TypeError('offline'));
    t.page();
    await vi.waitFor(() => expect(t.context().session.pageviews).toBe(2));
    // What was forgotten must not come back into sessionStorage.
    expect(sessionStorage.getItem('tlr_remote_weather')).toBeNull();
  });
});
