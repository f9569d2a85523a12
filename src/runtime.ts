import type { Assignment } from './assign/assign';
import { parseForce } from './assign/assign';
import { initialConsent } from './consent';
import { createLogger } from './debug/log';
import { createEmitter } from './emitter';
import { createEngine } from './engine';
import {
  F_DATALAYER,
  F_DEVICE_DETAILS,
  F_EXTRAS,
  F_GEO,
  F_PAGEVIEW_GOALS,
  F_REDIRECT,
  F_REMOTE,
  SITE_USES,
} from './features';
import { capped, countShown, noteDismissed } from './frequency';
import { validateManifest } from './manifest/guard';
import type {
  Context,
  ConversionEvent,
  DecisionSnapshot,
  ExposureEvent,
  JsonValue,
  Manifest,
  Tailor,
  TailorEvents,
  TailorOptions,
  TrafficTouch,
} from './manifest/types';
import { extrasNow, loadCheck, loadExtras, loadPost, loadRemote, loadTables, tablesNow } from './parts';
import { createPhases } from './phases';
import { readsOf, stampOf } from './reads';
import { redirectTarget } from './render/redirect';
import type { Renderer, RenderItem } from './render/render';
import { createRenderer } from './render/render';
import { fillTemplate } from './render/template';
import { createBehavior } from './signals/behavior';
import type { PageSignals } from './signals/context';
import { buildContext } from './signals/context';
import { readDataLayer } from './signals/data-layer';
import type { DeviceSignals } from './signals/device-common';
import { deviceInput, readPage } from './signals/page';
import { referencedRemotes } from './signals/remote';
import { trafficTouch } from './signals/traffic';
import { pageView, recordConversion } from './signals/visitor';
import type { Profile } from './storage/profile';
import { readProfile, writeProfile } from './storage/profile-store';
import { createStore, visitorId } from './storage/store';
import { createBeacons } from './track/beacons';
import { pushToDataLayer } from './track/data-layer';
import { conversionEvent, creditedVariants, exposureEvent } from './track/events';
import { pageviewGoals } from './track/goals';
import { loadUa, UA_KEY } from './ua';
import { withPart } from './when';

/** The manifest used when the given one cannot run: nothing renders, the API still works. */
const EMPTY: Manifest = { version: 1, site: '' };

/**
 * Whether an instance may write to storage now (consent granted, not a crawler, storage not
 * `memory`), for the script tag's manifest cache.
 */
const persistOf = new WeakMap<Tailor, () => boolean>();
export const persists = (t: Tailor): boolean | undefined => persistOf.get(t)?.();

/**
 * Creates a Tailor instance (docs/api.md). Nothing happens until `start()`; nothing is thrown into
 * the host page: every failure is caught, reported once through `on('error')`.
 */
export function createTailor(options: TailorOptions): Tailor {
  // Called from plain JS with nothing or junk: run with defaults (and report the missing manifest).
  if (!options || typeof options !== 'object') options = {} as TailorOptions;
  const clock = typeof options.now === 'function' ? options.now : Date.now;
  const log = createLogger(!!options.debug);
  const reported = new Set<string>();
  const handlerThrew = (e: unknown) => log('error', 'an event handler threw', e);
  const events = createEmitter<TailorEvents>(handlerThrew);
  // Reports made before start() (manifest problems) are held until it, so handlers added
  // after createTailor() (the tag's queue, `t.on()` then `t.start()`) still get them.
  let early: TailorEvents['error'][] | null = [];
  const report = (message: string, path?: string) => {
    const key = `${path}|${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    log('warn', path ? `${path}: ${message}` : message);
    const e = { message, ...(path && { path }) };
    early ? early.push(e) : events._emit('error', e);
  };
  /** A chunk that could not load (the tags): reported, and what needed it goes without. */
  const chunkFailed = (e: unknown) => report(`${(e as Error)?.message || e}`, 'chunks');
  /** Reports an API call (or `start`) that threw, naming it. */
  const failed = (name: string, e: unknown) => report(`${name} failed: ${(e as Error)?.message || e}`, name);

  // The script tag names why it has no manifest (not JSON, not loaded): that one problem, not the
  // empty manifest's own.
  const why = (options as { _problem?: string })._problem;
  const { manifest: valid, problems } = why
    ? { manifest: null, problems: [{ path: 'manifest', message: why, severity: 'error' }] }
    : validateManifest(options.manifest);
  const manifest = valid || EMPTY;
  // GTM / GA4 (on unless `analytics.dataLayer` is false): ids and names only (docs/consent.md).
  if (manifest.analytics?.dataLayer !== false) pushToDataLayer(events);
  for (const p of problems) if (p.severity === 'error') report(p.message, p.path);
  const experiences = manifest.experiences || [];
  const byId = new Map(experiences.map((e) => [e.id, e]));
  // Rendering needs a DOM; in Node (SSR) Tailor decides but renders nothing.
  const win = typeof window === 'object' && typeof document === 'object' ? window : null;
  let renderer: Renderer | null = null;
  /** Experiences exposed during the current page view (exposures are once per page view). */
  const shown = new Set<string>();
  /** Experiences the visitor closed (banner, overlay) during the current page view. */
  const closed = new Set<string>();
  let lastHref = '';
  let destroyed = false;
  const cleanups: (() => void)[] = [];

  // Conditions checked (problems reported now), page patterns and priority order prepared, once per manifest.
  const engine = createEngine(manifest, report);
  const remotes = F_REMOTE ? referencedRemotes(manifest) : new Set<string>();
  /** A goal detected without code (page view, click, submit) converts as `track()` does. */
  const convert = (goal: string, value: number | undefined) =>
    api.track(goal, value === undefined ? undefined : { value });
  const pageviews = F_PAGEVIEW_GOALS ? pageviewGoals(manifest.goals, convert) : () => {};

  let consent = initialConsent(manifest.consent, options.consent, report);

  /** The page view's signals; null before the first. */
  let page: PageSignals | null = null;
  // Nothing is stored before the page is read and known not to be a crawler's (crawlers get
  // no storage at all): the first write waits for the first page view.
  const canPersist = () => !!page && !page._bot && consent === 'granted' && options.storage !== 'memory';
  const store = createStore();
  // `?tailor_force=` holds for the session (docs/experiences.md#assignment): kept in sessionStorage (memory without
  // consent); a later `?tailor_force=` replaces it, an empty one clears it.
  const sessionStore = createStore({ session: true });
  // Read only when the stored profile says a force was kept (`qa`): a first view never opens
  // sessionStorage before its first DOM change.
  let force: string | null | undefined;
  const endpoint = options.endpoint || manifest.endpoint || '';

  /** A profile change not yet written (held while the page view holds its writes). */
  let unsaved = false;
  // The two phases of a page view (phases.ts). Settling writes what was held: the profile, then
  // persistence turned on by the first page view (consent() changes it later), then the visitor
  // cookie, read before only when a decision needed the id.
  const {
    _defer: defer,
    _hold: hold,
    _settle: settle,
    _holding: holding,
  } = createPhases(
    () => {
      if (unsaved) save();
      store._persisting || store._persist(canPersist());
      if (store._persisting) id = visitorId(store);
    },
    (fn) => guard('start', fn)(),
  );
  /** What a page left while the first decision waits for chunks still does (pageViewRun). */
  let leaving: (() => void) | null = null;
  /** Set while such a page is being left: decisions record, nothing renders. */
  let leftEarly = false;
  /**
   * A page going away runs what is held at once, then has the beacons send what is queued
   * (beacons.ts: the transport's flush, or, before it has arrived, one beacon of what the first
   * moments queued). This is the only page-hide listener: the transport has none of its own.
   * `visibilitychange` to hidden alone, as web-vitals listens since 2024: every browser fires it
   * when a page is left, closed or put in the background (Safari from 14.1); a `pagehide`
   * listener costs Chromium 30–50 µs more per page view.
   */
  const settleOnHide = (w: Window) => {
    const onHide = () => {
      if (w.document.visibilityState === 'hidden') leaving?.(), settle(), transport?._hide();
    };
    w.addEventListener('visibilitychange', onHide, true);
    cleanups.push(() => w.removeEventListener('visibilitychange', onHide, true));
  };

  // Beacons (docs/events.md): only with consent and never from crawlers.
  const transport =
    endpoint || options.transport
      ? createBeacons({
          _endpoint: endpoint,
          _site: manifest.site,
          _store: store,
          _allowed: () => consent === 'granted' && !!page && !page._bot,
          _report: (m) => report(m, 'beacons'),
          _now: clock,
          _send: options.transport,
        })
      : null;
  /** The visitor id of this page view, read on first use (`idOf`). */
  let id: string | null = null;
  const idOf = () => (id ??= visitorId(store));
  let profile: Profile | null = readProfile(store);
  let ctx: Context | null = null;
  let current: string[] = [];
  let assignments = new Map<string, Assignment>();
  let decision: DecisionSnapshot | null = null;
  let remoteValues: Record<string, JsonValue> = {};
  let siteData: Record<string, JsonValue> = {};
  let started = false;
  /** The remote-data load of the page view in progress, if any. */
  let loading: Promise<unknown> | null = null;
  // Calls made before the first page view is decided (queued tag commands, an SPA calling
  // identify() before start()) take effect with it, in order.
  let pending: (() => void)[] | null = [];
  // identify() calls wait for the profile but apply before the first decision, so the first
  // render already uses the traits.
  const identity: [string, Record<string, JsonValue> | undefined][] = [];
  const applyIdentity = () => {
    for (const [userId, traits] of identity.splice(0)) {
      profile!.userId = userId == null ? null : String(userId);
      if (traits && typeof traits === 'object') profile!.traits = { ...profile!.traits, ...traits };
    }
  };
  const behavior = createBehavior(clock);

  const save = () => {
    unsaved = holding();
    if (profile && !unsaved) writeProfile(store, profile);
  };

  /** This page view's traffic touch (`page` is read). */
  const touchNow = () => trafficTouch(page!._url, page!._referrer, page!._url.host);
  /** The visitor history with this page view counted (`page` is read). */
  const countPageView = (p: Profile | null, now: number, touch = touchNow()) =>
    pageView(p, { now, path: page!._url.pathname, touch });

  // The tags load some signals' code as chunks (the npm build has it all at once): what the
  // first decision reads is waited for; the rest follows after it.
  const reads = readsOf(manifest);
  /** Whether the deepest scroll point is followed (a manifest that reads `behavior.scrollDepth`). */
  const scrolls = reads(/behavior\.scroll/);
  /** Device details from the `ua` module or chunk, read once (a user agent does not change). */
  let uaDevice: DeviceSignals | null = null;
  /** What the decision of this page view must wait for; null when nothing. */
  function waitFor(): Promise<unknown> | null {
    const waits: Promise<unknown>[] = [];
    if (
      F_EXTRAS &&
      !extrasNow() &&
      reads(/\b(page\.category|affinity\.|journey\.|score\.)|reorder|categories/)
    )
      waits.push(Promise.resolve(loadExtras()).catch(chunkFailed));
    if (
      !tablesNow() &&
      ((F_GEO && reads(/\bgeo\.country/) && !options.country) ||
        (reads(/\btraffic\./) && touchNow().medium === 'referral'))
    )
      waits.push(Promise.resolve(loadTables()).catch(chunkFailed));
    if (F_DEVICE_DETAILS && !uaDevice && reads(/\b(os|browser)\.|device\.(vendor|model)/)) {
      // The answer for this user agent is kept (with consent to store) for the next page views.
      const input = deviceInput(manifest);
      const kept = store.get(UA_KEY);
      try {
        const hit = kept && JSON.parse(kept);
        if (hit?.ua === input.ua) uaDevice = hit.d;
      } catch {}
      if (!uaDevice)
        waits.push(
          loadUa()
            .then((m) => {
              uaDevice = m.readDevice(input);
              store.set(UA_KEY, JSON.stringify({ ua: input.ua, d: uaDevice }));
            })
            .catch(chunkFailed),
        );
    }
    return waits.length ? Promise.all(waits) : null;
  }

  /** One page view: signals that change per page, then a decision. */
  async function pageViewRun(): Promise<void> {
    // A destroyed instance may still be reached through another instance's history patch.
    if (destroyed) return;
    const now = clock();
    behavior._reset(now, scrolls);
    // Read again on first use (a server may have set the cookie since the last page view).
    id = null;
    // An SPA page view came from the previous one: `document.referrer` still names the page the
    // visitor landed from, which would start a new traffic touch and replace the campaign.
    const from = lastHref;
    /** The page view's address: what it started with, though the site changes it while chunks load. */
    let url: URL | undefined;
    const read = () => {
      page = readPage(manifest, now, options.country, behavior._values, uaDevice);
      if (url) page._url = url;
      else url = page._url;
      if (from) page._referrer = from;
      return page;
    };
    read();
    // Before any await: a replaceState while chunks or remote data load (a site stripping its
    // UTM parameters) must not start a second page view.
    if (win) lastHref = win.location.href.split('#')[0]!;
    const path = page!._url.pathname;
    let fired = false;
    /** This page view's `pageview` goals, once. */
    const fire = () => {
      if (!fired && !destroyed) (fired = true), pageviews(path);
    };
    let counted = false;
    /** Counts this page view in the visitor's history, once. */
    const count = () => {
      if (counted) return;
      counted = true;
      // Another site named before the referrer table has loaded is a provisional referral: the
      // touch is put right when the table arrives (a task after the decision).
      const touch = touchNow();
      if (touch.medium === 'referral' && !tablesNow()) fixTouch(touch);
      profile = countPageView(profile, now, touch);
      const x = F_EXTRAS && extrasNow();
      if (x)
        profile.affinity = x.addAffinity(
          profile.affinity,
          page!._category,
          now,
          manifest.affinityHalfLifeDays,
        );
      applyIdentity();
    };
    // A visitor who leaves while chunks or remote data load (a thank-you page left at once)
    // still converts: the page view is counted, the calls made so far and the pageview goals
    // run, then what they wrote is stored and their events go out with the page (settleOnHide).
    let decided = false;
    leaving = () => {
      // Nothing renders on a page left before its decision: what runs now records, it does not
      // expose. Left later (before DOMContentLoaded), only the pageview goals are still due.
      hold();
      count();
      // Decided without rendering: conversions carry the assignments the visitor has.
      if (!decided) (leftEarly = true), decide(true);
      const held = pending;
      pending = null;
      if (held) for (const fn of held) fn();
      fire();
    };
    const wait = waitFor();
    if (wait) {
      loading = wait;
      await wait;
      if (loading === wait) loading = null;
      if (destroyed) return;
    }
    // Device details found by waitFor (a chunk, or the answer kept for this user agent).
    if (wait || uaDevice) read();
    count();
    remoteValues = {};
    if (F_REMOTE && remotes.size) {
      const load = loadRemotes(now);
      loading = load;
      remoteValues = await load;
      if (loading === load) loading = null;
    }
    leftEarly = false;
    // Scheduled first: a decision that throws still lets what is held out.
    const phase2 = hold();
    decide(true);
    decided = true;
    const waiting = pending;
    pending = null;
    if (waiting) for (const fn of waiting) fn();
    // A pageview goal counts after this page's exposures (docs/collector.md counts conversions at or after
    // the first exposure): once the document is parsed, so the tag's changes have found their
    // elements (exposed as they appear, before DOMContentLoaded), and for an SPA view a task
    // later, once the route has rendered.
    const doc = win?.document;
    if (doc?.readyState === 'loading') doc.addEventListener('DOMContentLoaded', fire, { once: true });
    else if (from) setTimeout(fire);
    else fire();
    // The script tag reveals its hidden slots now, with the DOM change, not a task later.
    (options as { _rendered?: () => void })._rendered?.();
    await phase2;
  }

  /** Replaces a provisional referral touch in the profile once the referrer table is there. */
  function fixTouch(provisional: TrafficTouch): void {
    const url = page!._url;
    const referrer = page!._referrer;
    setTimeout(() =>
      Promise.resolve(loadTables()).then(
        () => {
          const p = profile;
          if (!p || destroyed) return;
          const right = trafficTouch(url, referrer, url.host);
          if (p.session.touch === provisional) p.session.touch = right;
          if (p.firstTouch === provisional) p.firstTouch = right;
          save();
        },
        () => {},
      ),
    );
  }

  /** The remote sources the manifest reads (`remote.<name>`), fetched by the remote chunk. */
  async function loadRemotes(now: number): Promise<Record<string, JsonValue>> {
    const base = contextFor(now);
    try {
      return await (await loadRemote()).fetchRemotes(
        remotes,
        manifest.remote,
        (url) => fillTemplate(url, base, 'url'),
        { now, cache: createStore({ session: true, persist: canPersist() }) },
        report,
      );
    } catch (e) {
      return (chunkFailed(e), {});
    }
  }

  function contextFor(now: number): Context {
    const c = buildContext(
      manifest,
      page!,
      profile!,
      '',
      now,
      F_DATALAYER ? { ...readDataLayer(manifest.dataLayer), ...siteData } : siteData,
      consent,
    );
    // `visitor.id` reads the cookie when a condition, template or bucketing asks for it.
    Object.defineProperty(c.visitor, 'id', { get: idOf, enumerable: true, configurable: true });
    const x = F_EXTRAS && extrasNow();
    if (x) c.journey.stage = x.journeyStage(manifest.journey, c.visitor);
    c.remote = remoteValues;
    if (x) c.score = x.computeScores(manifest.scores, c);
    return c;
  }

  /** Segments and assignments for the current context, then rendering; `newView` marks a page view. */
  function decide(newView = false): void {
    // Before the first page view is decided (chunks or remote data still loading), a set(), a
    // dataLayer push or a persona pick only changes what that decision will read.
    if (!page || !profile || destroyed || ((pending || leftEarly) && !newView)) return;
    const now = clock();
    const c = contextFor(now);
    ctx = c;
    const seen = engine._segments(c);
    const query = c.page.query;
    // `"qa": false` in the manifest turns `?tailor_force` and `?tailor_preview` off.
    const qa = manifest.qa !== false;
    const preview = qa && query.tailor_preview === '1';
    if (qa && typeof query.tailor_force === 'string') {
      force = query.tailor_force;
      const f = force;
      defer(() => {
        sessionStore._persist(canPersist());
        sessionStore.set('tlr_force', f);
        if (sessionStore._persisting && profile && !profile.qa) (profile.qa = 1), save();
      });
    } else if (qa && force === undefined) force = profile.qa ? sessionStore.get('tlr_force') : null;
    const out = engine._assign(c, seen, {
      _preview: preview,
      _sticky: profile.sticky,
      _forced: qa ? parseForce(force) : null,
      _consentGranted: consent === 'granted',
      _now: now,
    });
    profile.sticky = out.sticky;
    assignments = new Map(out.assignments.map((a) => [a.experience, a]));
    save();
    render(newView);
    // The segments no audience read are evaluated now, after the DOM change.
    const segs = seen.all();
    if (segs.join('\n') !== current.join('\n')) {
      current = segs;
      defer(() => events._emit('segments', segs.slice()));
    }
    log('log', 'decided', { segments: segs, assignments: out.assignments });
    // What the debug view (`?tailor_debug=1`, loaded lazily) shows, with the reasons of this
    // very pass; `shown` is live.
    decision = {
      manifest,
      context: c,
      segments: segs,
      assignments: out.assignments,
      out: out._why,
      exposed: shown,
      capped: (e) => capped(profile!, e, now),
      now,
      problems: reported,
    };
    const d = decision;
    defer(() => events._emit('debug', d));
  }

  /** An event made now goes to the beacons and to `on()` subscribers. */
  const send = (event: ExposureEvent | ConversionEvent) => {
    transport?._push(event);
    events._emit(event.type as 'exposure', event as ExposureEvent);
  };

  function exposed(item: RenderItem): void {
    const e = item._experience;
    if (!profile || !page || shown.has(e.id)) return;
    shown.add(e.id);
    countShown(profile, e.id);
    const start = profile.session.start;
    save();
    const forced = assignments.get(e.id)?.forced;
    const at = [clock(), page._url.pathname, start] as const;
    defer(() => send(exposureEvent(at, idOf(), e.id, item._variant, forced)));
  }

  function dismissed(item: RenderItem): void {
    closed.add(item._experience.id);
    noteDismissed(profile, item._experience.id, clock());
    save();
  }

  /**
   * A `redirect` action (docs/experiences.md#actions) to where render/redirect.ts allows: the
   * exposure is recorded and what is held sent before leaving. True when leaving.
   */
  function redirect(item: RenderItem, where: string): boolean {
    const action = F_REDIRECT && item._actions.find((a) => a?.type === 'redirect');
    if (!action || !win || !ctx) return false;
    const to = redirectTarget(
      fillTemplate(String(action.url), ctx, 'url'),
      win.location,
      manifest.redirectHosts,
    );
    if (typeof to === 'string') report(to, where);
    else if (to) {
      exposed(item);
      settle();
      transport?._flush(true);
      win.location.replace(to.href);
      return true;
    }
    return false;
  }

  /** Brings the page in line with the assignments (docs/experiences.md#rendering). Crawlers get the default page. */
  function render(newView: boolean): void {
    if (!win || !ctx || !page || destroyed || page._bot || leftEarly) return;
    if (newView) shown.clear(), closed.clear();
    const now = clock();
    const items: RenderItem[] = [];
    for (const a of assignments.values()) {
      const e = byId.get(a.experience);
      if (!e || (!shown.has(e.id) && capped(profile!, e, now))) continue;
      const item: RenderItem = { _experience: e, _variant: a.variant, _actions: a.actions };
      if (redirect(item, `experience "${e.id}"`)) return;
      // The renderer gets the other actions. A variant whose only action was a refused redirect
      // shows nothing and is not exposed.
      // A banner or overlay closed on this page view stays closed whatever re-decides (identify,
      // set, a template); the experience's other changes stay.
      const gone = closed.has(e.id);
      item._actions = a.actions.filter(
        (x) => x?.type !== 'redirect' && !(gone && (x?.type === 'banner' || x?.type === 'overlay')),
      );
      if (item._actions.length || !a.actions.length) items.push(item);
    }
    renderer ||= createRenderer(win, behavior._depth, report, { _exposed: exposed, _dismissed: dismissed });
    renderer._sync(items, ctx, newView);
  }

  /**
   * What the runtime listens to after the first decision (the tags' post-paint chunk): history
   * changes and `popstate` (docs/api.md), `data-tailor-set` persona picks (docs/experiences.md#actions), dataLayer pushes,
   * click and submit goals. What happened before it arrived is caught up with at once.
   */
  function listen(w: Window): void {
    const layer = () => (F_DATALAYER ? JSON.stringify(readDataLayer(manifest.dataLayer)) : '');
    const pushed = layer();
    /** Whether the part came later (a chunk, an `import()`): what happened meanwhile is caught up with. */
    let late = false;
    withPart(
      loadPost(),
      (p) => {
        if (destroyed) return;
        const nav = guard('page', () => {
          if (w.location.href.split('#')[0] !== lastHref) api.page();
        });
        cleanups.push(
          p.listenPage(w, manifest.dataLayer, {
            _nav: nav,
            _pick: guard('data-tailor-set', (trait: string, value: string) => {
              if (!profile) return;
              profile.traits = { ...profile.traits, [trait]: value };
              decide();
            }),
            _layer: () => api.set({}),
          }),
          p.watchGoals(w.document, manifest.goals, convert),
        );
        if (late) {
          nav();
          // Pushes of the listed keys made while the chunk loaded: re-decided as a push would be.
          if (layer() !== pushed) api.set({});
        }
      },
      chunkFailed,
    );
    late = true;
    // Only a manifest that runs: one refused whole (or never loaded) was reported once already.
    if (!SITE_USES && valid && !stampOf(valid))
      withPart(loadCheck(), (c) => c.checkManifest(options, manifest, report, api), chunkFailed);
  }

  /**
   * Runs `fn`, turning any throw into an `error` event: nothing reaches the host page. A call
   * that threw returns undefined (`context()` included, whatever its declared type).
   */
  const guard =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (e) {
        return failed(name, e) as R;
      }
    };

  // forget() leaves nothing behind: what the runtime keeps using (a fresh id and profile) stays
  // in memory until the next page view.
  const forget = () => {
    settle();
    transport?._drop();
    store._persist(false);
    store._forgetAll();
    profile = null;
    id = visitorId(store);
    if (page) profile = countPageView(null, clock());
  };

  let starting: Promise<void> | undefined;
  async function run(): Promise<void> {
    if (destroyed) return;
    try {
      started = true;
      for (const e of early!.splice(0)) events._emit('error', e);
      early = null;
      if (win) settleOnHide(win), listen(win);
      await pageViewRun();
      events._emit('ready', undefined);
    } catch (e) {
      failed('start', e);
    }
  }

  const api: Tailor = {
    // A second call (React StrictMode runs effects twice) waits for the same run.
    start: () => (starting ||= run()),
    page: guard('page', () => {
      // Before start() there is no page view to follow: start() runs the first one.
      // One page view at a time: a navigation while remote data loads waits for that view;
      // otherwise it runs at once (an SPA route renders before its first paint).
      const go = () => {
        pageViewRun().catch((e) => failed('page', e));
      };
      if (started) loading ? loading.then(go) : go();
    }),
    track: guard('track', (goal: string, props?: { value?: number; [key: string]: unknown }) => {
      if (typeof goal !== 'string' || !goal) return report('track() needs a goal name', 'track');
      if (pending) return void pending.push(() => api.track(goal, props));
      if (!profile || !page) return;
      profile = recordConversion(profile, goal);
      save();
      const fixed = manifest.goals?.[goal]?.value;
      const value = typeof props?.value === 'number' ? props.value : fixed;
      const held = creditedVariants(profile.sticky, assignments.values());
      const at = [clock(), page._url.pathname, profile.session.start] as const;
      const segments = current.slice();
      defer(() => send(conversionEvent(at, idOf(), goal, value, held, segments)));
      decide();
    }),
    identify: guard('identify', (userId: string, traits?: Record<string, JsonValue>) => {
      identity.push([userId, traits]);
      if (!pending) applyIdentity(), decide();
    }),
    set: guard('set', (data: Record<string, JsonValue>) => {
      if (!data || typeof data !== 'object') return report('set() needs an object', 'set');
      siteData = { ...siteData, ...data };
      decide();
    }),
    consent: guard('consent', (state: 'granted' | 'denied') => {
      if (state !== 'granted' && state !== 'denied')
        return report(`consent() takes "granted" or "denied", got ${JSON.stringify(state)}`, 'consent');
      if (manifest.consent?.mode === 'none') return;
      settle();
      consent = state;
      // Stop persisting before forgetting, so the fresh id is not written back.
      store._persist(canPersist());
      if (state === 'denied') forget();
      else {
        id = visitorId(store);
        transport?._flush();
      }
      decide();
    }),
    segments: () => current.slice(),
    variant: (experienceId) => assignments.get(experienceId)?.variant ?? null,
    context: guard('context', () => JSON.parse(JSON.stringify(ctx)) as Context),
    on: (event, handler) => {
      if (typeof handler !== 'function') {
        report(`on("${String(event)}") needs a function`, 'on');
        return () => {};
      }
      const off = events._on(event, handler);
      // A late `debug` subscriber (the lazily loaded debug view) gets the latest decision at once.
      if (event === 'debug' && decision)
        try {
          (handler as (s: DecisionSnapshot) => void)(decision);
        } catch (e) {
          handlerThrew(e);
        }
      return off;
    },
    forget: guard('forget', forget),
    destroy: guard('destroy', () => {
      settle();
      destroyed = true;
      for (const c of cleanups.splice(0)) c();
      transport?._stop();
      renderer?._stop();
      renderer = null;
      behavior._stop();
      events._clear();
    }),
  };
  persistOf.set(api, canPersist);
  return api;
}
