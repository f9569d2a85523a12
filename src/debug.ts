/**
 * tailorjs/debug — the debug view for npm users (the script tag loads `dist/tailor.debug.js`
 * with `?tailor_debug=1` instead). Import it lazily so production bundles never carry it:
 *
 *   if (location.search.includes('tailor_debug=1'))
 *     import('tailorjs/debug').then(({ showDebugView }) => showDebugView(tailor));
 *
 * Importing it has no side effects and touches no browser global (SSR-safe).
 */
export { showDebugView } from './debug/view';
