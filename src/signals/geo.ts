/**
 * Geo (docs/context.md): an explicit country (tag `data-country`, the `country` option, or `set`)
 * → the region of `navigator.language` → the IANA time zone → null.
 */
import type { Context } from '../manifest/types';
import { tablesNow } from '../parts';

let table: Map<string, string> | undefined;

/** The country of an IANA time zone, or null. */
export function zoneCountry(zone: string | null | undefined): string | null {
  const zones = tablesNow()?.ZONES;
  // The tags load the table as a chunk; until it is there, the zone names no country.
  if (!zones) return null;
  if (!table) {
    table = new Map();
    let country = '';
    for (const word of zones.split(' ')) {
      // No city part is two letters long.
      if (word.length === 2) country = word;
      else table.set(word, country);
    }
  }
  return (zone && table.get(zone.slice(zone.lastIndexOf('/') + 1))) || null;
}

/** Number of distinct countries the time-zone table knows (for tests). */
export const zoneCountries = (): number => (zoneCountry(''), new Set(table!.values()).size);

const alpha2 = (c: unknown) => (typeof c === 'string' && /^[a-z]{2}$/i.test(c) ? c.toUpperCase() : null);

export interface GeoInput {
  country?: string | null;
  language?: string | null;
  languages?: readonly string[];
  timezone?: string | null;
}

/**
 * The geo part of the context. `timezone`, and `country` when it has to come from the zone, are
 * getters evaluated on first read: the browser's first `Intl.DateTimeFormat()` costs 30–50 ms
 * in a fresh tab (time-zone data loading), which most page views never need.
 */
export function geoSignals(input: GeoInput): Context['geo'] {
  const language = input.language || null;
  // `en-GB` → GB, `zh-Hant-TW` → TW; a bare `en` or a script-only tag has no region.
  const region = language
    ? alpha2(/[-_]([a-z]{2})(?:[-_]|$)/i.exec(language.replace(/^[a-z]+[-_][a-z]{4}/i, 'x'))?.[1])
    : null;
  const known = alpha2(input.country) || region;
  let zone: string | null | undefined;
  const tz = () => {
    if (zone === undefined) zone = input.timezone || null;
    return zone;
  };
  return {
    get country() {
      return known || zoneCountry(tz());
    },
    get timezone() {
      return tz();
    },
    language,
    languages: [...(input.languages || (language ? [language] : []))],
  };
}

/**
 * Reads language and time zone from the browser; nulls where unavailable (Node, old browsers).
 * `timezone` is a getter, read only when needed (see geoSignals).
 */
export function browserGeoInput(): GeoInput {
  const nav = globalThis.navigator;
  return {
    language: nav?.language || null,
    languages: nav?.languages || [],
    get timezone() {
      try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
      } catch {
        return null;
      }
    },
  };
}
