/**
 * The consent a page view starts with (docs/consent.md): `consent.mode` "none" needs none; else
 * the state the site gave (`createTailor({ consent })`, `data-consent`); else pending in opt-in
 * mode, and in opt-out mode granted unless Global Privacy Control says no (and `respectGpc` is
 * not false). A given state that is not one of the three is reported and ignored.
 */
import type { ConsentState, Manifest } from './manifest/types';
import { gpcEnabled } from './signals/page';

export function initialConsent(
  settings: Manifest['consent'],
  given: unknown,
  report: (message: string, path: string) => void,
): ConsentState {
  if (given !== undefined && !/^(granted|denied|pending)$/.test(given as string)) {
    report(`consent ${JSON.stringify(given)} is not granted, denied or pending; it is ignored`, 'consent');
    given = undefined;
  }
  const mode = settings?.mode;
  return mode === 'none'
    ? 'granted'
    : (given as ConsentState) ||
        (mode === 'opt-in'
          ? 'pending'
          : settings?.respectGpc !== false && gpcEnabled()
            ? 'denied'
            : 'granted');
}
