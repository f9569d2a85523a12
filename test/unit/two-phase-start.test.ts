// @vitest-environment happy-dom
// The two phases of a page view: up to the first DOM change only the reads that deciding and
// rendering need; storage writes, exposures and other events follow one task later, in order.
import Cookies from 'js-cookie';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishManifest } from '../../src/manifest/publish';
import type { Manifest, Tailor } from '../../src/manifest/types';
import { createTailor } from '../../src/runtime';
import { partsNow } from '../parts-now';

// What the parts do, not when they arrive (test/unit/parts.test.ts).
beforeAll(partsNow);

/** What touched storage, the cookie and the event stream, in order. */
let log: string[] = [];
const restorers: (() => void)[] = [];
const tailors: Tailor[] = [];

function record(): void {
  const proto = Storage.prototype;
  const { getItem, setItem, removeItem } = proto;
  // happy-dom may hand the methods its own object rather than the global: a marker tells them apart.
  setItem.call(sessionStorage, 'which', 'session');
  const which = (s: Storage) => (getItem.call(s, 'which') === 'session' ? 'session' : 'local');
  proto.getItem = function (this: Storage, k: string) {
    if (k.startsWith('tlr_')) log.push(`${which(this)} get ${k}`);
    return getItem.call(this, k);
  };
  proto.setItem = function (this: Storage, k: string, v: string) {
    log.push(`${which(this)} set ${k}`);
    return setItem.call(this, k, v);
  };
  proto.removeItem = function (this: Storage, k: string) {
    log.push(`${which(this)} remove ${k}`);
    return removeItem.call(this, k);
  };
  let o = Object.getPrototypeOf(document);
  while (o && !Object.hasOwn(o, 'cookie')) o = Object.getPrototypeOf(o);
  const cookie = Object.getOwnPropertyDescriptor(o, 'cookie')!;
  Object.defineProperty(o, 'cookie', {
    ...cookie,
    get(this: Document) {
      log.push('cookie get');
      return cookie.get!.call(this);
    },
    set(this: Document, v: string) {
      log.push(`cookie set ${v.split('=')[0]}`);
      cookie.set!.call(this, v);
    },
  });
  restorers.push(() => {
    Object.assign(proto, { getItem, setItem, removeItem });
    Object.defineProperty(o, 'cookie', cookie);
  });
}

const HEADLINE = 'Personalized';
const make = (manifest: Partial<Manifest>, opts: Record<string, unknown> = {}) => {
  const t = createTailor({
    manifest: { version: 1, site: 't', ...manifest },
    transport: () => true,
    ...opts,
  });
  tailors.push(t);
  t.on('exposure', (e) => log.push(`exposure ${e.experience}`));
  t.on('conversion', (e) => log.push(`conversion ${e.goal}`));
  return t;
};
const oneVariant: Manifest['experiences'] = [
  { id: 'hero', variants: [{ id: 'v', actions: [{ type: 'text', selector: 'h1', value: HEADLINE }] }] },
];
const twoVariants: Manifest['experiences'] = [
  {
    id: 'hero',
    variants: [
      { id: 'a', actions: [{ type: 'text', selector: 'h1', value: HEADLINE }] },
      { id: 'b', actions: [{ type: 'text', selector: 'h1', value: HEADLINE }] },
    ],
  },
];
const h1 = () => document.querySelector('h1')!.textContent;
/** Starts `t` and notes in the log when the synchronous part (the decision and render) is over. */
const start = (t: Tailor) => {
  const done = t.start();
  log.push(`dom ${h1()}`);
  return done;
};
const queued = () => JSON.parse(localStorage.getItem('tlr_queue') || '{"e":[]}').e as { type: string }[];

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' });
  history.replaceState(null, '', '/');
  document.body.innerHTML = '<h1>Original</h1>';
  log = [];
  record();
});
afterEach(() => {
  while (tailors.length) tailors.pop()!.destroy();
  for (const r of restorers.splice(0)) r();
});

describe('two-phase start', () => {
  it('cold first view: the DOM change comes before any storage write, cookie access or exposure; they follow within the next task', async () => {
    const t = make({ experiences: oneVariant });
    const done = start(t);
    // Microtasks are not enough: the rest waits for a task.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(h1()).toBe(HEADLINE);
    expect(log).toEqual(['local get tlr_queue', 'local get tlr_profile', `dom ${HEADLINE}`]);
    await done;
    const after = log.slice(log.indexOf(`dom ${HEADLINE}`) + 1);
    expect(after).toContain('cookie set tlr_id');
    expect(after).toContain('local set tlr_profile');
    expect(after.filter((x) => x === 'exposure hero')).toHaveLength(1);
    // The profile (frequency memory) is written before the exposure is sent.
    expect(after.indexOf('local set tlr_profile')).toBeLessThan(after.indexOf('exposure hero'));
    expect(queued().map((e) => e.type)).toEqual(['exposure']);
    expect(Cookies.get('tlr_id')).toBe(t.context().visitor.id);
  });

  it.each([
    ['unpublished, unit left out', oneVariant, false],
    ['unpublished, unit "visitor.id" written out', [{ ...oneVariant[0]!, unit: 'visitor.id' }], false],
    ['published (tailor build writes the unit out)', oneVariant, true],
  ] as const)(
    'one variant, %s: no cookie access before the DOM change',
    async (_, experiences, published) => {
      const source = { version: 1, site: 't', experiences } as Manifest;
      const t = make(published ? publishManifest(source).manifest! : source);
      const done = start(t);
      expect(log.slice(0, log.indexOf(`dom ${HEADLINE}`)).filter((x) => x.startsWith('cookie'))).toEqual([]);
      await done;
      expect(log).toContain('cookie set tlr_id');
    },
  );

  it('a unit other than visitor.id is read even for one variant: an empty one keeps the visitor out', async () => {
    const t = make({ experiences: [{ ...oneVariant[0]!, unit: 'visitor.userId' }] });
    await start(t);
    expect(h1()).toBe('Original');
    t.identify('u1');
    expect(h1()).toBe(HEADLINE);
  });

  it('the visitor cookie is read before the DOM change only when bucketing needs visitor.id', async () => {
    const t = make({ experiences: twoVariants });
    const done = start(t);
    const before = log.slice(0, log.indexOf(`dom ${HEADLINE}`));
    expect(before).toContain('cookie get');
    expect(before.filter((x) => / set | remove /.test(x) || x.startsWith('cookie set'))).toEqual([]);
    await done;
    expect(log).toContain('cookie set tlr_id');
  });

  it('a global holdout needs the unit: the cookie is read before the DOM change', () => {
    const t = make({ experiences: oneVariant, holdout: { percent: 1 } });
    t.start();
    expect(log).toContain('cookie get');
  });

  it('a server-set id is honoured for bucketing and never written back', async () => {
    document.cookie = 'tlr_id=server-id-0001; path=/';
    log = [];
    const t = make({ experiences: twoVariants });
    await start(t);
    expect(t.context().visitor.id).toBe('server-id-0001');
    expect(log).not.toContain('cookie set tlr_id');
  });

  it('a pageview goal counts after the page’s exposure, in the event stream and in the queue', async () => {
    const t = make({
      experiences: oneVariant,
      goals: { home: { type: 'pageview', path: '/' } },
    });
    const done = start(t);
    expect(log.filter((x) => /^(exposure|conversion)/.test(x))).toEqual([]);
    await done;
    expect(log.filter((x) => /^(exposure|conversion)/.test(x))).toEqual(['exposure hero', 'conversion home']);
    expect(queued().map((e) => e.type)).toEqual(['exposure', 'conversion']);
  });

  it('track() before the next task waits its turn behind the exposure; its timestamp is the call’s', async () => {
    let now = 1_800_000_000_000;
    const t = make({ experiences: oneVariant }, { now: () => now });
    const stamps: number[] = [];
    t.on('exposure', (e) => stamps.push(e.ts));
    t.on('conversion', (e) => stamps.push(e.ts));
    const done = start(t);
    now += 5;
    t.track('buy');
    now += 1000;
    await done;
    expect(log.filter((x) => /^(exposure|conversion)/.test(x))).toEqual(['exposure hero', 'conversion buy']);
    expect(stamps).toEqual([1_800_000_000_000, 1_800_000_000_005]);
  });

  it('a page going away before the next task delivers the exposure at once, and only once', async () => {
    const sent: string[] = [];
    const t = make({ experiences: oneVariant }, { transport: (body: string) => (sent.push(body), true) });
    const done = start(t);
    expect(log).not.toContain('exposure hero');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    delete (document as { visibilityState?: unknown }).visibilityState;
    expect(log.filter((x) => x === 'exposure hero')).toHaveLength(1);
    expect(queued().map((e) => e.type)).toEqual(['exposure']);
    expect(sent.join()).toContain('"experience":"hero"');
    expect(Cookies.get('tlr_id')).toBeTruthy();
    await done;
    expect(log.filter((x) => x === 'exposure hero')).toHaveLength(1);
  });

  it('consent("denied") before the next task: the exposure event is still emitted, nothing is stored', async () => {
    const t = make({ experiences: oneVariant });
    const done = start(t);
    t.consent('denied');
    await done;
    expect(log.filter((x) => x === 'exposure hero')).toHaveLength(1);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('tlr_'))).toEqual([]);
    expect(Cookies.get('tlr_id')).toBeUndefined();
  });

  it('opt-in pending: nothing is written, before or after', async () => {
    const t = make({ experiences: oneVariant, consent: { mode: 'opt-in' } });
    await start(t);
    expect(log.filter((x) => / set /.test(x) || x.startsWith('cookie set'))).toEqual([]);
  });

  it('sessionStorage is opened only once a forced variant was kept; the force then holds for the session', async () => {
    // Without a profile saying so, no sessionStorage read.
    await start(make({ experiences: twoVariants }));
    expect(log.filter((x) => x.startsWith('session'))).toEqual([]);
    tailors.pop()!.destroy();
    // A QA link: the force is kept (written after the DOM change).
    history.replaceState(null, '', '/?tailor_force=hero:b');
    log = [];
    const forced = make({ experiences: twoVariants });
    const done = start(forced);
    expect(log.filter((x) => x.startsWith('session'))).toEqual([]);
    await done;
    expect(forced.variant('hero')).toBe('b');
    expect(sessionStorage.getItem('tlr_force')).toBe('hero:b');
    tailors.pop()!.destroy();
    // The next page of the session, without the parameter: read back before deciding.
    history.replaceState(null, '', '/next');
    log = [];
    const next = make({ experiences: twoVariants });
    next.start();
    expect(log).toContain('session get tlr_force');
    expect(next.variant('hero')).toBe('b');
  });
});
