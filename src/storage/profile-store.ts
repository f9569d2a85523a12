import { isObject as obj } from '../rules/condition';
import type { Profile } from './profile';
import type { Store } from './store';

const KEY = 'tlr_profile';

/** The stored profile, or null when absent, corrupted or of another shape (then discarded). */
export function readProfile(store: Store): Profile | null {
  const raw = store.get(KEY);
  if (!raw) return null;
  try {
    const p = JSON.parse(raw) as Profile;
    if (
      obj(p) &&
      p.ver === 1 &&
      [p.first, p.last, p.visits, p.pageviews, p.session?.start, p.session?.pageviews].every(
        (n) => typeof n === 'number',
      ) &&
      (p.prev === null || typeof p.prev === 'number') &&
      [p.session, p.session.touch, p.firstTouch, p.conversions, p.traits, p.affinity, p.sticky].every(obj)
    )
      return p;
  } catch {}
  store._remove(KEY);
  return null;
}

export function writeProfile(store: Store, profile: Profile): void {
  store.set(KEY, JSON.stringify(profile));
}
