// @vitest-environment happy-dom
import Cookies from 'js-cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTailor } from '../../../src/runtime';
import type { Profile } from '../../../src/storage/profile';
import { readProfile, writeProfile } from '../../../src/storage/profile-store';
import { createStore, PREFIX, visitorId } from '../../../src/storage/store';

const restorers: (() => void)[] = [];

/** Replaces a property (own or inherited) of `obj` for the rest of the test. */
function override(obj: object, key: string, desc: PropertyDescriptor): void {
  const own = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, { configurable: true, ...desc });
  restorers.push(() => {
    if (own) Object.defineProperty(obj, key, own);
    else delete (obj as Record<string, unknown>)[key];
  });
}

function clearCookies(): void {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' });
}

function tlrCookies(): string[] {
  return Object.keys(Cookies.get()).filter((k) => k.startsWith(PREFIX));
}

function tlrKeys(s: Storage): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (k?.startsWith(PREFIX)) out.push(k);
  }
  return out;
}

/** localStorage access throws, as in a sandboxed iframe with storage blocked. */
function blockStorageAccess(): void {
  for (const name of ['localStorage', 'sessionStorage']) {
    override(globalThis, name, {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  }
}

/** setItem throws QuotaExceededError (Safari private mode, full storage). */
function fillStorage(): void {
  override(Storage.prototype, 'setItem', {
    value() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    },
    writable: true,
  });
}

/** document.cookie reads empty and ignores writes, as with cookies disabled. */
function disableCookies(throwing = false): void {
  override(document, 'cookie', {
    get() {
      if (throwing) throw new DOMException('cookies blocked', 'SecurityError');
      return '';
    },
    set() {
      if (throwing) throw new DOMException('cookies blocked', 'SecurityError');
    },
  });
}

const touch = { source: 'direct', medium: 'none', campaign: null, term: null, content: null };

function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    ver: 1,
    first: 1_000,
    last: 2_000,
    prev: null,
    visits: 1,
    pageviews: 2,
    session: { start: 1_000, pageviews: 2, landing: '/', touch },
    firstTouch: touch,
    conversions: { purchase: 1 },
    userId: null,
    traits: { tier: 'gold' },
    affinity: { shoes: { s: 1, t: 1_000 } },
    sticky: { hero: { v: 'b', s: 'hero' } },
    ...overrides,
  } as Profile;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  clearCookies();
});

afterEach(() => {
  while (restorers.length) restorers.pop()!();
  localStorage.clear();
  sessionStorage.clear();
  clearCookies();
});

describe('store: localStorage and the consent gate', () => {
  it('writes through to localStorage when persisting and reads it back in a fresh store', () => {
    const a = createStore({ persist: true });
    a.set('tlr_x', 'hello');
    expect(localStorage.getItem('tlr_x')).toBe('hello');
    expect(createStore().get('tlr_x')).toBe('hello');
  });

  it('session stores use sessionStorage, not localStorage', () => {
    const s = createStore({ persist: true, session: true });
    s.set('tlr_s', '1');
    expect(sessionStorage.getItem('tlr_s')).toBe('1');
    expect(localStorage.getItem('tlr_s')).toBeNull();
  });

  it('without persistence keeps values in memory only', () => {
    const s = createStore({ persist: false });
    s.set('tlr_x', 'mem');
    expect(s.get('tlr_x')).toBe('mem');
    expect(s._persisting).toBe(false);
    expect(tlrKeys(localStorage)).toEqual([]);
  });

  it('persist(true) flushes what was kept in memory; persist(false) stops writing', () => {
    const s = createStore({ persist: false });
    s.set('tlr_a', '1');
    s._persist(true);
    expect(s._persisting).toBe(true);
    expect(localStorage.getItem('tlr_a')).toBe('1');
    s._persist(false);
    s.set('tlr_b', '2');
    s.set('tlr_a', 'changed');
    expect(localStorage.getItem('tlr_b')).toBeNull();
    expect(localStorage.getItem('tlr_a')).toBe('1');
    expect(s.get('tlr_a')).toBe('changed');
  });

  it('reads a value stored earlier even without consent (reading is not gated)', () => {
    localStorage.setItem('tlr_old', 'v');
    expect(createStore({ persist: false }).get('tlr_old')).toBe('v');
  });

  it('remove() deletes from memory and storage', () => {
    const s = createStore({ persist: true });
    s.set('tlr_a', '1');
    s._remove('tlr_a');
    expect(s.get('tlr_a')).toBeNull();
    expect(localStorage.getItem('tlr_a')).toBeNull();
  });

  it('without consent: the visitor id and the profile write nothing tlr_ to cookies or localStorage', () => {
    const s = createStore({ persist: false });
    const id = visitorId(s);
    writeProfile(s, profile());
    expect(id).toMatch(/^[\w-]{8,64}$/);
    expect(tlrCookies()).toEqual([]);
    expect(tlrKeys(localStorage)).toEqual([]);
    expect(tlrKeys(sessionStorage)).toEqual([]);
    // ...but the values work in memory.
    expect(visitorId(s)).toBe(id);
    expect(readProfile(s)).toEqual(profile());
  });
});

describe('visitor id (tlr_id)', () => {
  it('creates a random id, sets the tlr_id cookie and mirrors it in localStorage', () => {
    const s = createStore({ persist: true });
    const id = visitorId(s);
    expect(id).toMatch(/^[\w-]{8,64}$/);
    expect(Cookies.get('tlr_id')).toBe(id);
    expect(localStorage.getItem('tlr_id')).toBe(id);
    // Stable for the next page view.
    expect(visitorId(createStore({ persist: true }))).toBe(id);
  });

  it('two new visitors get different ids', () => {
    const a = visitorId(createStore({ persist: false }));
    const b = visitorId(createStore({ persist: false }));
    expect(a).not.toBe(b);
  });

  it('honours a server-set tlr_id cookie and does not replace it', () => {
    document.cookie = 'tlr_id=server-issued-id-0001; path=/';
    localStorage.setItem('tlr_id', 'stored-other-id-0002');
    const s = createStore({ persist: true });
    expect(visitorId(s)).toBe('server-issued-id-0001');
    expect(Cookies.get('tlr_id')).toBe('server-issued-id-0001');
    expect(localStorage.getItem('tlr_id')).toBe('server-issued-id-0001');
  });

  it.each(['abc.1700000000', 'u1', 'GA1.2.12345.67890', '3f2b9c1e-7d4a-4e8b-9a61-2c5d8e0f1a7b'])(
    'honours a server-set id of another shape (%s)',
    (server) => {
      document.cookie = `tlr_id=${server}; path=/`;
      expect(visitorId(createStore({ persist: true }))).toBe(server);
      expect(Cookies.get('tlr_id')).toBe(server);
    },
  );

  it('honours a server-set cookie even without consent (reading only)', () => {
    document.cookie = 'tlr_id=server-issued-id-0001; path=/';
    expect(visitorId(createStore({ persist: false }))).toBe('server-issued-id-0001');
  });

  it('restores the cookie from localStorage when cookies were cleared', () => {
    localStorage.setItem('tlr_id', 'stored-id-00000003');
    const s = createStore({ persist: true });
    expect(visitorId(s)).toBe('stored-id-00000003');
    expect(Cookies.get('tlr_id')).toBe('stored-id-00000003');
  });

  // Regression: base64 and `|` ids were replaced by a random id and the server's cookie
  // overwritten, though docs/context.md says a server-set tlr_id cookie is honoured.
  it.each([
    ['standard base64', 'abc+/def==', 'abc+/def=='],
    ['a percent-encoded pipe (js-cookie decodes it)', 'a%7Cb', 'a|b'],
    ['other printable ASCII', 'v1!$&*(x)@[y]^{z}', 'v1!$&*(x)@[y]^{z}'],
    ['128 characters', 'k'.repeat(128), 'k'.repeat(128)],
  ])('honours a server-set id with %s and never writes it back', (_, raw, id) => {
    document.cookie = `tlr_id=${raw}; path=/`;
    const s = createStore({ persist: true });
    expect(visitorId(s)).toBe(id);
    expect(visitorId(s)).toBe(id);
    expect(document.cookie).toBe(`tlr_id=${raw}`);
    expect(localStorage.getItem('tlr_id')).toBe(id);
  });

  it.each([
    ['over-long', 'k'.repeat(129)],
    ['with a space', 'a%20b'],
    ['with a control character', 'a%01b'],
    ['with a tab', 'a%09b'],
    ['non-ASCII', '%C3%A9t%C3%A9'],
    ['a lone DEL character', '%7F'],
  ])('replaces an implausible cookie value (%s) with a fresh id', (_, raw) => {
    document.cookie = `tlr_id=${raw}; path=/`;
    const id = visitorId(createStore({ persist: true }));
    expect(id).toMatch(/^[\w-]{8,64}$/);
    expect(Cookies.get('tlr_id')).toBe(id);
  });

  it('replaces an empty cookie value with a fresh id', () => {
    document.cookie = 'tlr_id=; path=/';
    const id = visitorId(createStore({ persist: true }));
    expect(id).toMatch(/^[\w-]{8,64}$/);
    expect(Cookies.get('tlr_id')).toBe(id);
  });

  it('works with cookies disabled (empty, writes ignored): keeps the id via localStorage', () => {
    disableCookies();
    const s = createStore({ persist: true });
    const id = visitorId(s);
    expect(localStorage.getItem('tlr_id')).toBe(id);
    expect(visitorId(createStore({ persist: true }))).toBe(id);
  });

  it('never throws when document.cookie itself throws', () => {
    disableCookies(true);
    const s = createStore({ persist: true });
    let id = '';
    expect(() => {
      id = visitorId(s);
    }).not.toThrow();
    expect(id).toMatch(/^[\w-]{8,64}$/);
    expect(() => s._forgetAll()).not.toThrow();
  });
});

describe('memory fallback when storage fails', () => {
  it('localStorage access throwing SecurityError: memory works, nothing throws', () => {
    blockStorageAccess();
    expect(() => globalThis.localStorage).toThrow();
    const s = createStore({ persist: true });
    expect(() => s.set('tlr_a', '1')).not.toThrow();
    expect(s.get('tlr_a')).toBe('1');
    expect(s.get('tlr_missing')).toBeNull();
    expect(() => s._remove('tlr_a')).not.toThrow();
    expect(s.get('tlr_a')).toBeNull();
    expect(() => s._persist(true)).not.toThrow();
    expect(() => s._forgetAll()).not.toThrow();
    const id = visitorId(s);
    expect(visitorId(s)).toBe(id);
    writeProfile(s, profile());
    expect(readProfile(s)).toEqual(profile());
  });

  it('setItem throwing QuotaExceededError: memory works, nothing throws', () => {
    fillStorage();
    const s = createStore({ persist: true });
    expect(() => s.set('tlr_a', '1')).not.toThrow();
    expect(s.get('tlr_a')).toBe('1');
    expect(() => s._persist(true)).not.toThrow();
    expect(() => writeProfile(s, profile())).not.toThrow();
    expect(readProfile(s)).toEqual(profile());
    expect(() => visitorId(s)).not.toThrow();
  });

  it('getItem throwing: get falls back to null', () => {
    override(Storage.prototype, 'getItem', {
      value() {
        throw new DOMException('denied', 'SecurityError');
      },
      writable: true,
    });
    const s = createStore({ persist: true });
    expect(s.get('tlr_x')).toBeNull();
    expect(readProfile(s)).toBeNull();
  });
});

describe('forgetAll', () => {
  it('removes every tlr_ key from localStorage, sessionStorage, memory and the id cookie; leaves others', () => {
    const s = createStore({ persist: true });
    const id = visitorId(s);
    writeProfile(s, profile());
    s.set('tlr_other', 'x');
    localStorage.setItem('site_key', 'keep');
    sessionStorage.setItem('tlr_remote_weather', '{}');
    sessionStorage.setItem('site_session', 'keep');
    document.cookie = 'site_cookie=keep; path=/';
    expect(tlrKeys(localStorage).sort()).toEqual(['tlr_id', 'tlr_other', 'tlr_profile']);

    s._forgetAll();

    expect(tlrKeys(localStorage)).toEqual([]);
    expect(tlrKeys(sessionStorage)).toEqual([]);
    expect(tlrCookies()).toEqual([]);
    expect(s.get('tlr_other')).toBeNull();
    expect(readProfile(s)).toBeNull();
    expect(localStorage.getItem('site_key')).toBe('keep');
    expect(sessionStorage.getItem('site_session')).toBe('keep');
    expect(Cookies.get('site_cookie')).toBe('keep');
    // A fresh id after forgetting.
    s._persist(false);
    expect(visitorId(s)).not.toBe(id);
    expect(tlrCookies()).toEqual([]);
  });

  it('forgetting does not resurrect values when persistence is turned on again', () => {
    const s = createStore({ persist: true });
    s.set('tlr_a', '1');
    s._forgetAll();
    s._persist(true);
    expect(tlrKeys(localStorage)).toEqual([]);
  });
});

describe('stored profile', () => {
  it('round-trips through localStorage under tlr_profile', () => {
    const s = createStore({ persist: true });
    writeProfile(s, profile());
    expect(JSON.parse(localStorage.getItem('tlr_profile')!)).toEqual(profile());
    expect(readProfile(createStore({ persist: true }))).toEqual(profile());
  });

  it('absent profile gives null', () => {
    expect(readProfile(createStore({ persist: true }))).toBeNull();
  });

  const bad: [string, string][] = [
    ['garbage', '{not json'],
    ['empty object', '{}'],
    ['null', 'null'],
    ['a JSON array', '[1,2,3]'],
    ['a number', '42'],
    ['a string', '"profile"'],
    ['true', 'true'],
    ['another version', JSON.stringify({ ...profile(), ver: 2 })],
    ['missing session', JSON.stringify({ ...profile(), session: undefined })],
    ['session null', JSON.stringify({ ...profile(), session: null })],
    ['visits as a string', JSON.stringify({ ...profile(), visits: '3' })],
    ['missing sticky', JSON.stringify({ ...profile(), sticky: undefined })],
    ['traits null', JSON.stringify({ ...profile(), traits: null })],
    ['session.start missing', JSON.stringify({ ...profile(), session: { pageviews: 1, landing: '/' } })],
    [
      'session.pageviews missing',
      JSON.stringify({ ...profile(), session: { start: 1, landing: '/', touch } }),
    ],
    [
      'session.touch missing',
      JSON.stringify({ ...profile(), session: { start: 1, pageviews: 1, landing: '/' } }),
    ],
    ['traits a string', JSON.stringify({ ...profile(), traits: 'gold' })],
    ['affinity a number', JSON.stringify({ ...profile(), affinity: 5 })],
    ['sticky an array', JSON.stringify({ ...profile(), sticky: ['b'] })],
    ['conversions true', JSON.stringify({ ...profile(), conversions: true })],
    ['firstTouch a string', JSON.stringify({ ...profile(), firstTouch: 'direct' })],
    ['prev missing', JSON.stringify({ ...profile(), prev: undefined })],
    ['prev a string', JSON.stringify({ ...profile(), prev: 'yesterday' })],
  ];
  for (const [name, raw] of bad) {
    it(`discards a corrupted profile (${name}) without throwing`, () => {
      localStorage.setItem('tlr_profile', raw);
      const s = createStore({ persist: true });
      let p: Profile | null | undefined;
      expect(() => {
        p = readProfile(s);
      }).not.toThrow();
      expect(p).toBeNull();
      expect(localStorage.getItem('tlr_profile')).toBeNull();
    });
  }

  it('a __proto__ payload does not pollute Object.prototype', () => {
    const payloads = [
      '{"__proto__":{"polluted":"yes"}}',
      `{"ver":1,"__proto__":{"polluted":"yes"}}`,
      JSON.stringify(profile()).replace(/^\{/, '{"__proto__":{"polluted":"yes"},'),
      JSON.stringify(profile()).replace('"traits":{', '"traits":{"__proto__":{"polluted":"yes"},'),
      JSON.stringify(profile()).replace('"affinity":{', '"affinity":{"__proto__":{"polluted":"yes"},'),
    ];
    for (const raw of payloads) {
      localStorage.setItem('tlr_profile', raw);
      const s = createStore({ persist: true });
      const p = readProfile(s);
      if (p) {
        // Passing the shape check is fine; the payload must stay an inert own property.
        writeProfile(s, { ...p, traits: { ...p.traits } });
        readProfile(s);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    }
  });
});

describe('runtime: storage and consent', () => {
  const manifest = (consent?: Record<string, unknown>) => ({
    version: 1,
    site: 's',
    ...(consent ? { consent } : {}),
    goals: { purchase: { type: 'event' } },
    experiences: [{ id: 'hero', variants: [{ id: 'a' }, { id: 'b' }] }],
  });
  const tailors: { destroy(): void }[] = [];
  const make = (m: unknown, opts: Record<string, unknown> = {}) => {
    const t = createTailor({ manifest: m, now: () => 1_800_000_000_000, ...opts });
    tailors.push(t);
    return t;
  };
  afterEach(() => {
    while (tailors.length) tailors.pop()!.destroy();
  });

  it('opt-in, pending: runs with nothing tlr_ in cookies or localStorage; granting persists', async () => {
    const t = make(manifest({ mode: 'opt-in' }));
    await t.start();
    t.track('purchase');
    expect(t.context().consent.state).toBe('pending');
    expect(tlrCookies()).toEqual([]);
    expect(tlrKeys(localStorage)).toEqual([]);
    expect(tlrKeys(sessionStorage)).toEqual([]);
    const id = t.context().visitor.id;
    t.consent('granted');
    expect(Cookies.get('tlr_id')).toBe(id);
    expect(localStorage.getItem('tlr_id')).toBe(id);
    expect(JSON.parse(localStorage.getItem('tlr_profile')!).conversions).toEqual({ purchase: 1 });
  });

  it('storage: "memory" never writes, even with consent granted', async () => {
    const t = make(manifest(), { storage: 'memory' });
    await t.start();
    t.track('purchase');
    expect(t.context().consent.state).toBe('granted');
    expect(tlrCookies()).toEqual([]);
    expect(tlrKeys(localStorage)).toEqual([]);
  });

  it('consent("denied") forgets: every tlr_ key and cookie is removed and nothing is written after', async () => {
    const t = make(manifest());
    await t.start();
    const id = t.context().visitor.id;
    expect(Cookies.get('tlr_id')).toBe(id);
    expect(localStorage.getItem('tlr_profile')).not.toBeNull();
    t.consent('denied');
    expect(tlrCookies()).toEqual([]);
    expect(tlrKeys(localStorage)).toEqual([]);
    t.track('purchase');
    t.identify('u1', { a: 1 });
    t.page();
    await Promise.resolve();
    expect(tlrCookies()).toEqual([]);
    expect(tlrKeys(localStorage)).toEqual([]);
    expect(t.context().visitor.id).not.toBe(id);
  });

  it('forget() with consent granted leaves no tlr_ key, then starts over as a new visitor at the next page view', async () => {
    const t = make(manifest());
    await t.start();
    t.track('purchase');
    const id = t.context().visitor.id;
    t.forget();
    t.set({});
    expect(t.context().visitor.id).not.toBe(id);
    expect(t.context().visitor.conversions).toEqual({ purchase: 0 });
    expect(Cookies.get('tlr_id')).toBeUndefined();
    expect(Object.keys(localStorage).filter((k) => k.startsWith('tlr_'))).toEqual([]);
    t.page();
    // Storage is written one task after the page view's first DOM change.
    await vi.waitFor(() => expect(Cookies.get('tlr_id')).toBe(t.context().visitor.id));
    expect(localStorage.getItem('tlr_profile')).not.toBeNull();
  });

  it('a server-set tlr_id cookie is the visitor id', async () => {
    document.cookie = 'tlr_id=srv-0123456789abcdef; path=/';
    const t = make(manifest());
    await t.start();
    expect(t.context().visitor.id).toBe('srv-0123456789abcdef');
    expect(Cookies.get('tlr_id')).toBe('srv-0123456789abcdef');
  });

  it('a corrupted stored profile is discarded: start() resolves with a new visitor', async () => {
    for (const raw of ['{garbage', 'null', '[]', '{"__proto__":{"polluted":1},"ver":1}']) {
      localStorage.setItem('tlr_profile', raw);
      const t = make(manifest());
      const errors: unknown[] = [];
      t.on('error', (e) => errors.push(e));
      await t.start();
      expect(errors).toEqual([]);
      expect(t.context().visitor.visits).toBe(1);
      expect(JSON.parse(localStorage.getItem('tlr_profile')!).ver).toBe(1);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('storage throwing everywhere: start() works and nothing throws', async () => {
    blockStorageAccess();
    disableCookies(true);
    const t = make(manifest());
    await expect(t.start()).resolves.toBeUndefined();
    expect(() => {
      t.track('purchase');
      t.consent('denied');
      t.consent('granted');
      t.forget();
    }).not.toThrow();
    expect(t.context().visitor.id).toMatch(/^[\w-]{8,64}$/);
  });
});
