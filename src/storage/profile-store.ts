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
      p &&
      p.ver === 1 &&
      typeof p.first === 'number' &&
      typeof p.last === 'number' &&
      typeof p.visits === 'number' &&
      typeof p.pageviews === 'number' &&
      p.session &&
      typeof p.session.start === 'number' &&
      p.firstTouch &&
      p.conversions &&
      p.traits &&
      p.affinity &&
      p.sticky
    )
      return p;
  } catch {}
  store.remove(KEY);
  return null;
}

export function writeProfile(store: Store, profile: Profile): void {
  store.set(KEY, JSON.stringify(profile));
}
