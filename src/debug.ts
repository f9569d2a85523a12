/**
 * tailorjs/debug — the debug view for npm users (the script tag loads `dist/tailor.debug.js`
 * with `?tailor_debug=1` instead). Import it lazily so production bundles never carry it:
 *
 *   if (location.search.includes('tailor_debug=1'))
 *     import('tailorjs/debug').then(({ showDebugView }) => showDebugView(tailor));
 *
 * Importing it has no side effects and touches no browser global (SSR-safe).
 */

import { showDebugView as show } from './debug/view';
import type { Tailor } from './manifest/types';

/**
 * Shows the debug panel for instance `t` and logs each decision to the console; returns a
 * function that closes it. Like the rest of Tailor it never throws into the page: without a
 * DOM or with something that is not a Tailor instance it logs why and returns a no-op.
 */
export function showDebugView(t: Tailor, doc?: Document): () => void {
  try {
    return show(t, doc || document);
  } catch (e) {
    try {
      console.error('[tailor] the debug view could not start', e);
    } catch {}
    return () => {};
  }
}
