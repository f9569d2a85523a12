/**
 * Storage with a consent gate and a memory fallback (docs/context.md, docs/consent.md):
 * - values live in memory; with `persist` on they are also written to localStorage;
 * - while consent is not granted nothing is written to localStorage or cookies;
 * - when storage throws (SecurityError in sandboxed iframes, QuotaExceededError, Safari
 *   private mode) the memory copy keeps working and nothing throws.
 * Every key Tailor writes starts with `tlr_`.
 */
import { randomId } from '../random-id';

export const PREFIX = 'tlr_';
const ID_COOKIE = 'tlr_id';

/** `_`-prefixed members are private: the tags' minifier renames them (fewer bytes). */
export interface Store {
  get(key: string): string | null;
  set(key: string, value: string): void;
  _remove(key: string): void;
  /**
   * Turns writing through to localStorage (and cookies) on or off; on writes what was set while
   * it was off (values only read are not written back: another tab may have changed them since).
   */
  _persist(on: boolean): void;
  readonly _persisting: boolean;
  /** Removes every `tlr_` key from local and session storage, memory and the id cookie. */
  _forgetAll(): void;
}

function backend(name: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return (globalThis as unknown as Record<string, Storage>)[name] || null;
  } catch {
    return null; // SecurityError on access (sandboxed iframe, blocked third-party storage)
  }
}

function attempt<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

export function createStore(options: { persist?: boolean; session?: boolean } = {}): Store {
  const memory = new Map<string, string>();
  /** Keys set while not persisting: what `_persist(true)` writes. */
  const unsaved = new Set<string>();
  let persisting = !!options.persist;
  const storage = () => backend(options.session ? 'sessionStorage' : 'localStorage');
  const store: Store = {
    get(key) {
      if (memory.has(key)) return memory.get(key)!;
      // Reading is allowed without consent (what a visitor stored after granting earlier);
      // only writing is gated.
      const read = attempt(() => storage()?.getItem(key) ?? null);
      if (read !== null) memory.set(key, read);
      return read;
    },
    set(key, value) {
      memory.set(key, value);
      if (persisting) attempt(() => storage()?.setItem(key, value));
      else unsaved.add(key);
    },
    _remove(key) {
      memory.delete(key);
      attempt(() => storage()?.removeItem(key));
    },
    _persist(on) {
      persisting = on;
      if (on)
        for (const k of unsaved) {
          unsaved.delete(k);
          if (memory.has(k)) attempt(() => storage()?.setItem(k, memory.get(k)!));
        }
    },
    get _persisting() {
      return persisting;
    },
    _forgetAll() {
      memory.clear();
      for (const s of [backend('localStorage'), backend('sessionStorage')]) {
        attempt(() => {
          for (const k of Object.keys(s || {})) if (k.startsWith(PREFIX)) s!.removeItem(k);
        });
      }
      // A server may have set the cookie for a parent domain: remove it there too.
      const host = attempt(() => location.hostname.split('.')) || [];
      // A date in the past, not `max-age=0`: some cookie jars keep a cookie for the rest of the
      // millisecond it expires in.
      const gone = `${ID_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:01 GMT; path=/`;
      writeCookie(gone);
      for (let i = 0; i < host.length - 1; i++) writeCookie(`${gone}; domain=${host.slice(i).join('.')}`);
    },
  };
  return store;
}

/**
 * The `document.cookie` accessor itself. Page markup such as `<img name="cookie">` shadows
 * `document.cookie` (a document's named properties override its built-ins), so Tailor never reads
 * or writes cookies through the named property. (A 25-line helper instead of js-cookie: the
 * tag reads one cookie and writes one; every byte of the tag counts.)
 */
function cookieAccessor(): PropertyDescriptor | undefined {
  let o = Object.getPrototypeOf(document);
  while (o && !Object.hasOwn(o, 'cookie')) o = Object.getPrototypeOf(o);
  return o && Object.getOwnPropertyDescriptor(o, 'cookie');
}

/** The value of cookie `name`, percent-decoded as js-cookie did (a server's `a%7Cb` reads `a|b`). */
function readCookie(name: string): string | undefined {
  for (const pair of (cookieAccessor()!.get!.call(document) as string).split('; ')) {
    const at = pair.indexOf('=');
    if (pair.slice(0, at) === name) {
      const raw = pair.slice(at + 1);
      return (raw[0] === '"' ? raw.slice(1, -1) : raw).replace(/(%[\dA-F]{2})+/gi, decodeURIComponent);
    }
  }
}

function writeCookie(cookie: string): void {
  attempt(() => cookieAccessor()!.set!.call(document, cookie));
}

// Whatever id a server set (docs/context.md: "a server-set tlr_id cookie is honoured"): UUIDs,
// `abc.1700000000`, standard base64 (`abc+/def==`), `a|b` (read from `a%7Cb`) — any
// printable ASCII without whitespace, 1–128 characters. Empty, over-long, control-character
// and non-ASCII values are junk and replaced.
const PLAUSIBLE_ID = /^[!-~]{1,128}$/;

/**
 * The anonymous visitor id (`visitor.id`): the `tlr_id` cookie (a server-set one is honoured),
 * else the copy in storage, else a new random id. With persistence on it is written to the
 * first-party cookie (400 days, SameSite=Lax) and mirrored in localStorage, so a visitor whose
 * cookies are disabled or cleared keeps the id.
 */
export function visitorId(store: Store): string {
  const fromCookie = attempt(() => readCookie(ID_COOKIE));
  const stored = store.get(ID_COOKIE);
  const id = [fromCookie, stored].find((v) => v && PLAUSIBLE_ID.test(v)) || randomId();
  // Not set again when already there: a page view's first phase writes nothing.
  if (stored !== id) store.set(ID_COOKIE, id);
  // An accepted cookie is never written back: the write would reset the server's domain,
  // expiry and flags, and its encoding would change (a server's `a|b` would come back as `a%7Cb`).
  if (store._persisting && fromCookie !== id)
    writeCookie(
      `${ID_COOKIE}=${encodeURIComponent(id)}; max-age=${400 * 86400}; path=/; SameSite=Lax${
        globalThis.location?.protocol === 'https:' ? '; secure' : ''
      }`,
    );
  return id;
}
