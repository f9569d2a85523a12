// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { initialConsent } from '../../src/consent';

const gpc = (on: boolean) =>
  Object.defineProperty(navigator, 'globalPrivacyControl', { value: on, configurable: true });
afterEach(() => gpc(false));

describe('initialConsent (docs/consent.md)', () => {
  const none: string[] = [];
  const quiet = () => none.push('reported');

  it('opt-out (the default) is granted, unless Global Privacy Control says no and respectGpc is not false', () => {
    expect(initialConsent(undefined, undefined, quiet)).toBe('granted');
    gpc(true);
    expect(initialConsent(undefined, undefined, quiet)).toBe('denied');
    expect(initialConsent({ mode: 'opt-out', respectGpc: false }, undefined, quiet)).toBe('granted');
    // A state the site gives wins over the signal.
    expect(initialConsent(undefined, 'granted', quiet)).toBe('granted');
    expect(none).toEqual([]);
  });

  it('opt-in waits; mode "none" is always granted, whatever was given', () => {
    expect(initialConsent({ mode: 'opt-in' }, undefined, quiet)).toBe('pending');
    expect(initialConsent({ mode: 'opt-in' }, 'denied', quiet)).toBe('denied');
    expect(initialConsent({ mode: 'none' }, 'denied', quiet)).toBe('granted');
  });

  it('reports a given state that is not granted, denied or pending, and ignores it', () => {
    const reported: [string, string][] = [];
    const state = initialConsent({ mode: 'opt-in' }, 'yes please', (m, p) => reported.push([m, p]));
    expect(state).toBe('pending');
    expect(reported).toEqual([
      ['consent "yes please" is not granted, denied or pending; it is ignored', 'consent'],
    ]);
    expect(initialConsent(undefined, 7, () => {})).toBe('granted');
  });
});
