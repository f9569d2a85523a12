import type { Assignment } from './assign/assign';
import { assignVariants, parseForce } from './assign/assign';
import { inSchedule, pathMatches } from './assign/eligibility';
import { createLogger } from './debug/log';
import { createEmitter } from './emitter';
import type {
  ConsentState,
  Context,
  ConversionEvent,
  Experience,
  JsonValue,
  Manifest,
  Tailor,
  TailorEvents,
  TailorOptions,
} from './manifest/types';
import { validateManifest } from './manifest/validate';
import { randomId } from './random-id';
import { fillTemplate } from './render/template';
import type { Predicate } from './rules/condition';
import { compileCondition } from './rules/condition';
import { journeyStage } from './rules/journey';
import { getPath } from './rules/path';
import { computeScores } from './rules/scores';
import { compileSegments } from './rules/segments';
import { addAffinity } from './signals/affinity';
import { createBehavior } from './signals/behavior';
import type { PageSignals } from './signals/context';
import { buildContext } from './signals/context';
import { readDataLayer } from './signals/data-layer';
import { gpcEnabled, readPage } from './signals/page';
import { fetchRemote, referencedRemotes } from './signals/remote';
import { trafficTouch } from './signals/traffic';
import { pageView, recordConversion } from './signals/visitor';
import type { Profile } from './storage/profile';
import { readProfile, writeProfile } from './storage/profile-store';
import { createStore, visitorId } from './storage/store';

/** The manifest used when the given one cannot run: nothing renders, the API still works. */
const EMPTY: Manifest = { version: 1, site: '' };

/**
 * Creates a Tailor instance (SPEC §3). Nothing happens until `start()`; nothing is thrown into
 * the host page: every failure is caught, reported once through `on('error')`.
 */
export function createTailor(options: TailorOptions): Tailor {
  const clock = options.now || Date.now;
  const log = createLogger(!!options.debug);
  const reported = new Set<string>();
  const events = createEmitter<TailorEvents>((e) => log('error', 'an event handler threw', e));
  const report = (message: string, path?: string) => {
    const key = `${path}|${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    log('warn', path ? `${path}: ${message}` : message);
    events._emit('error', path ? { message, path } : { message });
  };

  const { manifest: valid, problems } = validateManifest(options.manifest);
  const manifest = valid || EMPTY;
  for (const p of problems) if (p.severity === 'error') report(p.message, p.path);
  const experiences = manifest.experiences || [];

  // Conditions are compiled once per manifest (SPEC §5).
  const segmentsOf = compileSegments(manifest.segments, (m) => report(m, 'segments'));
  const audiences = new Map<string, Predicate>();
  for (const e of experiences) {
    if (e.audience)
      audiences.set(
        e.id,
        compileCondition(e.audience, (m) => report(m, `experience ${e.id}`)),
      );
  }
  const remotes = referencedRemotes(manifest);

  const consentMode = manifest.consent?.mode || 'opt-out';
  let consent: ConsentState =
    consentMode === 'none'
      ? 'granted'
      : options.consent ||
        (consentMode === 'opt-in'
          ? 'pending'
          : manifest.consent?.respectGpc !== false && gpcEnabled()
            ? 'denied'
            : 'granted');

  const canPersist = () => consent === 'granted' && options.storage !== 'memory';
  const store = createStore({ persist: canPersist() });
  let id = visitorId(store);
  let profile: Profile | null = readProfile(store);
  let page: PageSignals | null = null;
  let ctx: Context | null = null;
  let current: string[] = [];
  let assignments = new Map<string, Assignment>();
  let remoteValues: Record<string, JsonValue> = {};
  let siteData: Record<string, JsonValue> = {};
  let started = false;
  // Calls made before the first page view is decided (queued tag commands, an SPA calling
  // identify() before start()) take effect with it, in order.
  let pending: (() => void)[] | null = [];
  const afterStart = (fn: () => void) => (pending ? pending.push(fn) : fn());
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
    if (profile) writeProfile(store, profile);
  };

  /** One page view: signals that change per page, then a decision. */
  async function pageViewRun(): Promise<void> {
    const now = clock();
    behavior._reset(now);
    page = readPage(manifest, now, options.country, behavior._values);
    const url = page._url;
    const result = pageView(profile, {
      now,
      path: url.pathname,
      touch: trafficTouch(url, page._referrer, url.host),
    });
    profile = result.profile;
    profile.affinity = addAffinity(profile.affinity, page._category, now, manifest.affinityHalfLifeDays);
    applyIdentity();
    remoteValues = {};
    if (remotes.size) remoteValues = await loadRemotes(now);
    decide();
    const waiting = pending;
    pending = null;
    if (waiting) for (const fn of waiting) fn();
  }

  async function loadRemotes(now: number): Promise<Record<string, JsonValue>> {
    const base = contextFor(now);
    const out: Record<string, JsonValue> = {};
    await Promise.all(
      [...remotes].map(async (name) => {
        const source = manifest.remote?.[name];
        if (!source) return;
        out[name] = await fetchRemote(name, source, fillTemplate(source.url, base, 'url'), {
          now,
          persist: canPersist(),
        });
        if (out[name] === null)
          report(`remote "${name}" gave no data (timeout, error or invalid JSON)`, `remote.${name}`);
      }),
    );
    return out;
  }

  function contextFor(now: number): Context {
    const c = buildContext(
      manifest,
      page!,
      profile!,
      id,
      now,
      { ...readDataLayer(manifest.dataLayer), ...siteData },
      consent,
    );
    c.journey.stage = journeyStage(manifest.journey, {
      ...c.visitor,
      traits: c.visitor.traits,
    });
    c.remote = remoteValues;
    c.score = computeScores(manifest.scores, c);
    return c;
  }

  /** Segments and assignments for the current context (no page view counted). */
  function decide(): void {
    if (!page || !profile) return;
    const now = clock();
    const c = contextFor(now);
    ctx = c;
    const segs = segmentsOf(c);
    const segSet = new Set(segs);
    const query = c.page.query;
    const preview = query.tailor_preview === '1';
    const date = new Date(now);
    const eligible = (e: Experience) =>
      (e.status === 'draft' ? preview : e.status !== 'paused') &&
      pathMatches(e.pages, c.page.path) &&
      inSchedule(e.schedule, date) &&
      (audiences.get(e.id)?.(c, segSet) ?? true);
    const out = assignVariants({
      experiences,
      holdoutPercent: manifest.holdout?.percent || 0,
      unitOf: (e) => {
        const u = getPath(c, e.unit || 'visitor.id');
        return u === null || u === undefined || u === '' ? null : String(u);
      },
      eligible,
      sticky: profile.sticky,
      forced: parseForce(query.tailor_force || null),
      consentGranted: consent === 'granted',
    });
    profile.sticky = out.sticky;
    assignments = new Map(out.assignments.map((a) => [a.experience, a]));
    save();
    if (segs.join('\n') !== current.join('\n')) {
      current = segs;
      events._emit('segments', segs.slice());
    }
    log('log', 'decided', { segments: segs, assignments: out.assignments });
  }

  /** Runs `fn`, turning any throw into an `error` event: nothing reaches the host page. */
  const guard =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (e) {
        report(`${name} failed: ${(e as Error)?.message || e}`, name);
        return fallback;
      }
    };

  const forget = () => {
    store.forgetAll();
    profile = null;
    id = visitorId(store);
    if (page) {
      const url = page._url;
      profile = pageView(null, {
        now: clock(),
        path: url.pathname,
        touch: trafficTouch(url, page._referrer, url.host),
      }).profile;
    }
  };

  const api: Tailor = {
    start: async () => {
      try {
        if (started) return;
        started = true;
        await pageViewRun();
        events._emit('ready', undefined);
      } catch (e) {
        report(`start failed: ${(e as Error)?.message || e}`, 'start');
      }
    },
    page: guard(
      'page',
      () => {
        pageViewRun().catch((e) => report(`page failed: ${(e as Error)?.message || e}`, 'page'));
      },
      undefined,
    ),
    track: guard(
      'track',
      (goal: string, props?: { value?: number; [key: string]: unknown }) => {
        if (typeof goal !== 'string' || !goal) return report('track() needs a goal name', 'track');
        if (pending) return void afterStart(() => api.track(goal, props));
        if (!profile || !page) return;
        profile = recordConversion(profile, goal);
        save();
        const value = typeof props?.value === 'number' ? props.value : undefined;
        const held: Record<string, string> = {};
        for (const [k, s] of Object.entries(profile.sticky)) held[k] = s.v;
        for (const a of assignments.values()) held[a.experience] = a.variant;
        const event: ConversionEvent = {
          type: 'conversion',
          id: randomId(),
          ts: clock(),
          visitor: id,
          session: `${id}.${profile.session.start}`,
          path: page._url.pathname,
          goal,
          ...(value === undefined ? {} : { value }),
          assignments: held,
          segments: current.slice(),
        };
        events._emit('conversion', event);
        decide();
      },
      undefined,
    ),
    identify: guard(
      'identify',
      (userId: string, traits?: Record<string, JsonValue>) => {
        identity.push([userId, traits]);
        if (!pending) applyIdentity(), decide();
      },
      undefined,
    ),
    set: guard(
      'set',
      (data: Record<string, JsonValue>) => {
        if (!data || typeof data !== 'object') return report('set() needs an object', 'set');
        siteData = { ...siteData, ...data };
        decide();
      },
      undefined,
    ),
    consent: guard(
      'consent',
      (state: 'granted' | 'denied') => {
        if (state !== 'granted' && state !== 'denied')
          return report(`consent() takes "granted" or "denied", got ${JSON.stringify(state)}`, 'consent');
        if (consentMode === 'none') return;
        consent = state;
        // Stop persisting before forgetting, so the fresh id is not written back.
        store.persist(canPersist());
        if (state === 'denied') forget();
        else id = visitorId(store);
        decide();
      },
      undefined,
    ),
    segments: () => current.slice(),
    variant: (experienceId) => assignments.get(experienceId)?.variant ?? null,
    context: guard('context', () => JSON.parse(JSON.stringify(ctx)) as Context, null as unknown as Context),
    on: (event, handler) => {
      if (typeof handler !== 'function') {
        report(`on("${String(event)}") needs a function`, 'on');
        return () => {};
      }
      return events._on(event, handler);
    },
    forget: guard('forget', forget, undefined),
    destroy: guard(
      'destroy',
      () => {
        behavior._stop();
        events._clear();
      },
      undefined,
    ),
  };
  return api;
}
