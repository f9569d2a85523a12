/**
 * Google Tag Manager / GA4: exposures and conversions are pushed to `window.dataLayer` as
 * `tailor_exposure` and `tailor_conversion` events, so a GTM trigger on those event names can
 * forward them to GA4 (or any tag). Only ids, names and the conversion value go in — never
 * traits, site data or template output (docs/consent.md). The page's dataLayer is looked up at each
 * push, so a GTM container loaded after Tailor still gets the later events.
 * https://developers.google.com/tag-platform/tag-manager/datalayer
 */
import type { Emitter } from '../emitter';
import type { TailorEvents } from '../manifest/types';

/** What Tailor pushes; GTM reads these keys as Data Layer Variables. */
export type DataLayerEntry =
  | { event: 'tailor_exposure'; experience: string; variant: string }
  | { event: 'tailor_conversion'; goal: string; value?: number };

function push(entry: DataLayerEntry): void {
  const layer = (globalThis as { dataLayer?: unknown }).dataLayer;
  // GTM swaps the array's `push` for its own; calling it is how GTM sees the event.
  if (Array.isArray(layer)) layer.push(entry);
}

/** Mirrors the instance's exposures and conversions into `window.dataLayer`. */
export function pushToDataLayer(events: Emitter<TailorEvents>): void {
  events._on('exposure', (e) =>
    push({ event: 'tailor_exposure', experience: e.experience, variant: e.variant }),
  );
  // `value` is always set (undefined when none): GTM merges pushes into one model, and an
  // explicit undefined keeps an earlier conversion's value from leaking into this one.
  events._on('conversion', (e) => push({ event: 'tailor_conversion', goal: e.goal, value: e.value }));
}
