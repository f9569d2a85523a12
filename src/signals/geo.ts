/**
 * Geo (SPEC §4): an explicit country (tag `data-country`, the `country` option, or `set`)
 * → the region of `navigator.language` → the IANA time zone → null.
 */
import type { Context } from '../manifest/types';

// Country → the last part of its main IANA zones ("Asia/Kolkata" → "Kolkata"; these city parts
// are unique across the table), for the most populous countries and more. Packed to keep the
// tag small and parsed on first use: each two-letter word is a country code, and the words that
// follow it (until the next code) are its cities.
const ZONES =
  'CN Shanghai Urumqi Chongqing IN Kolkata Calcutta ' +
  'US New_York Chicago Denver Los_Angeles Phoenix Anchorage Honolulu Detroit Indianapolis Boise Louisville ' +
  'ID Jakarta Makassar Jayapura Pontianak PK Karachi NG Lagos ' +
  'BR Sao_Paulo Manaus Fortaleza Recife Bahia Belem Cuiaba Porto_Velho BD Dhaka ' +
  'RU Moscow Yekaterinburg Novosibirsk Krasnoyarsk Irkutsk Vladivostok Samara Omsk Kaliningrad ' +
  'MX Mexico_City Monterrey Tijuana Cancun Merida Chihuahua Hermosillo Mazatlan ET Addis_Ababa ' +
  'JP Tokyo PH Manila EG Cairo CD Kinshasa Lubumbashi VN Ho_Chi_Minh Saigon IR Tehran TR Istanbul ' +
  'DE Berlin TH Bangkok GB London FR Paris TZ Dar_es_Salaam ZA Johannesburg IT Rome KE Nairobi ' +
  'MM Yangon Rangoon CO Bogota KR Seoul UG Kampala SD Khartoum ES Madrid Canary Ceuta DZ Algiers ' +
  'IQ Baghdad AR Buenos_Aires Cordoba AF Kabul YE Aden ' +
  'CA Toronto Montreal Vancouver Edmonton Winnipeg Halifax Regina St_Johns PL Warsaw MA Casablanca ' +
  'AO Luanda UA Kyiv Kiev UZ Tashkent MY Kuala_Lumpur Kuching MZ Maputo GH Accra PE Lima SA Riyadh ' +
  'MG Antananarivo CI Abidjan NP Kathmandu Katmandu CM Douala VE Caracas NE Niamey ' +
  'AU Sydney Melbourne Brisbane Perth Adelaide Hobart Darwin KP Pyongyang SY Damascus ML Bamako ' +
  'BF Ouagadougou TW Taipei LK Colombo MW Blantyre ZM Lusaka KZ Almaty Qyzylorda CL Santiago ' +
  'RO Bucharest SO Mogadishu SN Dakar GT Guatemala NL Amsterdam EC Guayaquil KH Phnom_Penh TD Ndjamena ' +
  'ZW Harare TN Tunis BE Brussels GR Athens CZ Prague PT Lisbon Madeira Azores SE Stockholm HU Budapest AT Vienna ' +
  'CH Zurich IL Jerusalem Tel_Aviv AE Dubai SG Singapore HK Hong_Kong IE Dublin DK Copenhagen NO Oslo ' +
  'FI Helsinki NZ Auckland CU Havana DO Santo_Domingo BO La_Paz RW Kigali GN Conakry LY Tripoli ' +
  'JO Amman AZ Baku BY Minsk MN Ulaanbaatar UY Montevideo PY Asuncion PA Panama CR Costa_Rica ' +
  'SV El_Salvador HN Tegucigalpa NI Managua PR Puerto_Rico RS Belgrade BG Sofia HR Zagreb ' +
  'SK Bratislava GE Tbilisi AM Yerevan KW Kuwait QA Qatar OM Muscat LB Beirut BJ Porto-Novo ' +
  'BI Bujumbura SS Juba HT Port-au-Prince TJ Dushanbe PG Port_Moresby TG Lome ' +
  'LT Vilnius LV Riga EE Tallinn LU Luxembourg SI Ljubljana MT Malta MD Chisinau BA Sarajevo ' +
  'AL Tirane MK Skopje ME Podgorica AD Andorra MC Monaco LI Vaduz SM San_Marino GI Gibraltar ' +
  'CY Nicosia Famagusta IS Reykjavik FO Faroe IM Isle_of_Man JE Jersey GG Guernsey MO Macau';

let table: Map<string, string> | undefined;

/** The country of an IANA time zone, or null. */
export function zoneCountry(zone: string | null | undefined): string | null {
  if (!table) {
    table = new Map();
    let country = '';
    for (const word of ZONES.split(' ')) {
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
