/**
 * Visitor history (docs/context.md): sessions end after 30 minutes without a page view; visits, page
 * views, first and last visit, conversions, traits. Pure functions over the stored profile.
 */
import type { Context, Manifest, TrafficTouch } from '../manifest/types';
import type { Profile } from '../storage/profile';
import { sessionTouch } from './traffic';

export const SESSION_MS = 30 * 60 * 1000;
const DAY = 86_400_000;

/** Counts one page view; starts a new session after 30 minutes of inactivity. */
export function pageView(
  profile: Profile | null,
  input: { now: number; path: string; touch: TrafficTouch },
): Profile {
  const { now, path, touch } = input;
  const freshSession = { start: now, pageviews: 1, landing: path, touch };
  if (!profile) {
    return {
      ver: 1,
      first: now,
      last: now,
      prev: null,
      visits: 1,
      pageviews: 1,
      session: freshSession,
      firstTouch: touch,
      conversions: {},
      userId: null,
      traits: {},
      affinity: {},
      sticky: {},
    };
  }
  const newSession = now - profile.last >= SESSION_MS;
  const p: Profile = {
    ...profile,
    last: now,
    pageviews: profile.pageviews + 1,
    session: newSession
      ? freshSession
      : {
          ...profile.session,
          pageviews: profile.session.pageviews + 1,
          touch: sessionTouch(profile.session.touch, touch, false),
        },
  };
  if (newSession) {
    p.visits = profile.visits + 1;
    p.prev = profile.last;
  }
  return p;
}

/**
 * The `visitor.*` and `session.*` parts of the context. Every goal of the manifest has a count,
 * 0 before its first conversion (docs/context.md: every path exists; `{"visitor.conversions.x": 0}`
 * matches a visitor who never converted).
 */
export function visitorContext(
  p: Profile,
  id: string,
  now: number,
  goals?: Manifest['goals'],
): Pick<Context, 'visitor' | 'session'> {
  const daysSince = (time: number) => Math.floor((now - time) / DAY);
  const conversions: Record<string, number> = {};
  for (const g in goals) conversions[g] = 0;
  return {
    visitor: {
      id,
      userId: p.userId,
      traits: { ...p.traits },
      isNew: p.visits === 1,
      visits: p.visits,
      pageviews: p.pageviews,
      daysSinceFirstVisit: daysSince(p.first),
      daysSinceLastVisit: p.prev === null ? null : daysSince(p.prev),
      conversions: { ...conversions, ...p.conversions },
    },
    session: {
      pageviews: p.session.pageviews,
      seconds: Math.max(0, Math.floor((now - p.session.start) / 1000)),
      landingPath: p.session.landing,
    },
  };
}

/** Counts a conversion of `goal` (own counts only: `constructor` or `toString` start from zero). */
export function recordConversion(p: Profile, goal: string): Profile {
  return {
    ...p,
    conversions: {
      ...p.conversions,
      [goal]: ((Object.hasOwn(p.conversions, goal) && p.conversions[goal]) || 0) + 1,
    },
  };
}
