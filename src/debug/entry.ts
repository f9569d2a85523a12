/**
 * `dist/tailor.debug.js` (IIFE only, never part of the npm module graph): the tag injects it
 * when the URL carries `?tailor_debug=1`. It goes through the command queue, so it works
 * whether the tag has started yet (remote manifest still loading) or not.
 */
import type { Tailor } from '../manifest/types';
import { showDebugView } from './view';

try {
  const w = window as unknown as { tailor?: { push(...commands: unknown[]): unknown } };
  w.tailor ||= [] as unknown as { push(...commands: unknown[]): unknown };
  w.tailor.push((t: Tailor) => showDebugView(t, document));
} catch (e) {
  // Like the tag: nothing may throw into the host page.
  console.error('[tailor] the debug view failed to start', e);
}
