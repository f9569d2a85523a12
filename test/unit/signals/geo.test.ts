import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserGeoInput, geoSignals, zoneCountries, zoneCountry } from '../../../src/signals/geo';
import { partsNow } from '../../parts-now';

// What the parts do, not when they arrive (test/unit/parts.test.ts).
beforeAll(partsNow);

describe('geoSignals: country precedence (docs/context.md)', () => {
  it('an explicit country wins over the language region and the time zone', () => {
    expect(geoSignals({ country: 'CH', language: 'en-GB', timezone: 'Asia/Tokyo' }).country).toBe('CH');
  });

  it('an explicit country is upper-cased', () => {
    expect(geoSignals({ country: 'de', language: 'en-US' }).country).toBe('DE');
  });

  it.each([['GBR'], [''], ['1A'], ['G'], [null], [undefined]])(
    'an invalid explicit country %s falls through to the language region',
    (country) => {
      expect(geoSignals({ country, language: 'pt-BR', timezone: 'Europe/Lisbon' }).country).toBe('BR');
    },
  );

  it('a non-string explicit country is ignored, never a throw', () => {
    const country = 42 as unknown as string;
    expect(geoSignals({ country, language: 'fr-CA' }).country).toBe('CA');
  });

  it.each([
    ['en-GB', 'GB'],
    ['pt-BR', 'BR'],
    ['en-US', 'US'],
    ['fr-CA', 'CA'],
    ['de-AT', 'AT'],
    ['es-MX', 'MX'],
    ['en-in', 'IN'],
    ['en_AU', 'AU'],
    ['zh-CN', 'CN'],
    ['zh-Hant-TW', 'TW'],
    ['zh-Hans-CN', 'CN'],
    ['sr-Latn-RS', 'RS'],
    ['fil-PH', 'PH'],
    ['yue-Hant-HK', 'HK'],
    ['ca-ES-valencia', 'ES'],
  ])('the region of navigator.language %s → %s wins over the time zone', (language, country) => {
    expect(geoSignals({ language, timezone: 'Pacific/Auckland' }).country).toBe(country);
  });

  it.each([
    ['de', 'Europe/Berlin', 'DE'],
    ['en', 'America/Toronto', 'CA'],
    ['es-419', 'America/Bogota', 'CO'],
    ['zh-Hant', 'Asia/Taipei', 'TW'],
    ['sr-Latn', 'Europe/Belgrade', 'RS'],
    ['ja', 'Asia/Tokyo', 'JP'],
    [null, 'Asia/Kolkata', 'IN'],
    ['', 'Africa/Lagos', 'NG'],
  ])(
    'a language %s without a region falls through to the time zone %s → %s',
    (language, timezone, country) => {
      expect(geoSignals({ language, timezone }).country).toBe(country);
    },
  );

  it('null when nothing is known', () => {
    expect(geoSignals({})).toEqual({ country: null, timezone: null, language: null, languages: [] });
    expect(geoSignals({ language: 'en', timezone: 'UTC' }).country).toBeNull();
    expect(geoSignals({ language: 'en', timezone: 'Mars/Olympus_Mons' }).country).toBeNull();
  });

  it('passes through time zone, language and languages', () => {
    const langs = ['en-GB', 'en', 'de'];
    const g = geoSignals({ language: 'en-GB', languages: langs, timezone: 'Europe/London' });
    expect(g).toEqual({ country: 'GB', timezone: 'Europe/London', language: 'en-GB', languages: langs });
    // a copy, not the (frozen) navigator array
    expect(g.languages).not.toBe(langs);
  });

  it('languages defaults to [language] when the list is missing', () => {
    expect(geoSignals({ language: 'fr-FR' }).languages).toEqual(['fr-FR']);
    expect(geoSignals({ language: 'fr-FR', languages: [] }).languages).toEqual([]);
  });
});

// The ~100 most populous countries (UN estimates, 2024, down to Switzerland), each with a
// representative IANA zone.
const POPULOUS: [string, string][] = [
  ['IN', 'Asia/Kolkata'],
  ['CN', 'Asia/Shanghai'],
  ['US', 'America/New_York'],
  ['ID', 'Asia/Jakarta'],
  ['PK', 'Asia/Karachi'],
  ['NG', 'Africa/Lagos'],
  ['BR', 'America/Sao_Paulo'],
  ['BD', 'Asia/Dhaka'],
  ['RU', 'Europe/Moscow'],
  ['ET', 'Africa/Addis_Ababa'],
  ['MX', 'America/Mexico_City'],
  ['JP', 'Asia/Tokyo'],
  ['EG', 'Africa/Cairo'],
  ['PH', 'Asia/Manila'],
  ['CD', 'Africa/Kinshasa'],
  ['VN', 'Asia/Ho_Chi_Minh'],
  ['IR', 'Asia/Tehran'],
  ['TR', 'Europe/Istanbul'],
  ['DE', 'Europe/Berlin'],
  ['TH', 'Asia/Bangkok'],
  ['GB', 'Europe/London'],
  ['TZ', 'Africa/Dar_es_Salaam'],
  ['FR', 'Europe/Paris'],
  ['ZA', 'Africa/Johannesburg'],
  ['IT', 'Europe/Rome'],
  ['KE', 'Africa/Nairobi'],
  ['MM', 'Asia/Yangon'],
  ['CO', 'America/Bogota'],
  ['KR', 'Asia/Seoul'],
  ['SD', 'Africa/Khartoum'],
  ['UG', 'Africa/Kampala'],
  ['ES', 'Europe/Madrid'],
  ['DZ', 'Africa/Algiers'],
  ['IQ', 'Asia/Baghdad'],
  ['AR', 'America/Argentina/Buenos_Aires'],
  ['AF', 'Asia/Kabul'],
  ['YE', 'Asia/Aden'],
  ['CA', 'America/Toronto'],
  ['AO', 'Africa/Luanda'],
  ['UA', 'Europe/Kyiv'],
  ['MA', 'Africa/Casablanca'],
  ['PL', 'Europe/Warsaw'],
  ['UZ', 'Asia/Tashkent'],
  ['MY', 'Asia/Kuala_Lumpur'],
  ['MZ', 'Africa/Maputo'],
  ['GH', 'Africa/Accra'],
  ['PE', 'America/Lima'],
  ['SA', 'Asia/Riyadh'],
  ['MG', 'Indian/Antananarivo'],
  ['CI', 'Africa/Abidjan'],
  ['NP', 'Asia/Kathmandu'],
  ['CM', 'Africa/Douala'],
  ['VE', 'America/Caracas'],
  ['NE', 'Africa/Niamey'],
  ['AU', 'Australia/Sydney'],
  ['KP', 'Asia/Pyongyang'],
  ['SY', 'Asia/Damascus'],
  ['ML', 'Africa/Bamako'],
  ['BF', 'Africa/Ouagadougou'],
  ['TW', 'Asia/Taipei'],
  ['LK', 'Asia/Colombo'],
  ['MW', 'Africa/Blantyre'],
  ['ZM', 'Africa/Lusaka'],
  ['KZ', 'Asia/Almaty'],
  ['TD', 'Africa/Ndjamena'],
  ['CL', 'America/Santiago'],
  ['RO', 'Europe/Bucharest'],
  ['SO', 'Africa/Mogadishu'],
  ['SN', 'Africa/Dakar'],
  ['GT', 'America/Guatemala'],
  ['NL', 'Europe/Amsterdam'],
  ['EC', 'America/Guayaquil'],
  ['KH', 'Asia/Phnom_Penh'],
  ['ZW', 'Africa/Harare'],
  ['GN', 'Africa/Conakry'],
  ['BJ', 'Africa/Porto-Novo'],
  ['RW', 'Africa/Kigali'],
  ['BI', 'Africa/Bujumbura'],
  ['BO', 'America/La_Paz'],
  ['TN', 'Africa/Tunis'],
  ['SS', 'Africa/Juba'],
  ['HT', 'America/Port-au-Prince'],
  ['BE', 'Europe/Brussels'],
  ['JO', 'Asia/Amman'],
  ['DO', 'America/Santo_Domingo'],
  ['CU', 'America/Havana'],
  ['AE', 'Asia/Dubai'],
  ['HN', 'America/Tegucigalpa'],
  ['TJ', 'Asia/Dushanbe'],
  ['SE', 'Europe/Stockholm'],
  ['CZ', 'Europe/Prague'],
  ['PG', 'Pacific/Port_Moresby'],
  ['AZ', 'Asia/Baku'],
  ['GR', 'Europe/Athens'],
  ['IL', 'Asia/Jerusalem'],
  ['PT', 'Europe/Lisbon'],
  ['HU', 'Europe/Budapest'],
  ['TG', 'Africa/Lome'],
  ['AT', 'Europe/Vienna'],
  ['BY', 'Europe/Minsk'],
  ['CH', 'Europe/Zurich'],
];

describe('zoneCountry: the IANA time-zone table', () => {
  it('the test list is 60+ distinct countries', () => {
    expect(new Set(POPULOUS.map(([c]) => c)).size).toBe(POPULOUS.length);
    expect(POPULOUS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(POPULOUS)('covers %s via %s', (country, zone) => {
    expect(zoneCountry(zone)).toBe(country);
    expect(geoSignals({ language: 'en', timezone: zone }).country).toBe(country);
  });

  it.each([
    // legacy / alias names that browsers (ICU) still report
    ['Asia/Calcutta', 'IN'],
    ['Asia/Saigon', 'VN'],
    ['Asia/Rangoon', 'MM'],
    ['Asia/Katmandu', 'NP'],
    ['Europe/Kiev', 'UA'],
    ['America/Buenos_Aires', 'AR'],
    ['America/Argentina/Cordoba', 'AR'],
    ['Asia/Chongqing', 'CN'],
    ['Asia/Istanbul', 'TR'],
    // the other zones of multi-zone countries
    ['America/Chicago', 'US'],
    ['America/Denver', 'US'],
    ['America/Los_Angeles', 'US'],
    ['America/Phoenix', 'US'],
    ['America/Anchorage', 'US'],
    ['Pacific/Honolulu', 'US'],
    ['America/Indiana/Indianapolis', 'US'],
    ['Asia/Urumqi', 'CN'],
    ['Asia/Makassar', 'ID'],
    ['Asia/Jayapura', 'ID'],
    ['America/Manaus', 'BR'],
    ['America/Fortaleza', 'BR'],
    ['America/Bahia', 'BR'],
    ['Asia/Yekaterinburg', 'RU'],
    ['Asia/Novosibirsk', 'RU'],
    ['Asia/Vladivostok', 'RU'],
    ['Europe/Kaliningrad', 'RU'],
    ['America/Monterrey', 'MX'],
    ['America/Tijuana', 'MX'],
    ['America/Cancun', 'MX'],
    ['America/Mazatlan', 'MX'],
    ['Africa/Lubumbashi', 'CD'],
    ['Atlantic/Canary', 'ES'],
    ['Africa/Ceuta', 'ES'],
    ['America/Vancouver', 'CA'],
    ['America/Montreal', 'CA'],
    ['America/Edmonton', 'CA'],
    ['America/Halifax', 'CA'],
    ['America/St_Johns', 'CA'],
    ['Australia/Melbourne', 'AU'],
    ['Australia/Perth', 'AU'],
    ['Asia/Kuching', 'MY'],
    // a few smaller but high-traffic countries
    ['Asia/Singapore', 'SG'],
    ['Asia/Hong_Kong', 'HK'],
    ['Europe/Dublin', 'IE'],
    ['Pacific/Auckland', 'NZ'],
    // every European country, and zones an audit found missing
    ['Europe/Vilnius', 'LT'],
    ['Europe/Riga', 'LV'],
    ['Europe/Tallinn', 'EE'],
    ['Europe/Luxembourg', 'LU'],
    ['Europe/Ljubljana', 'SI'],
    ['Europe/Malta', 'MT'],
    ['Europe/Chisinau', 'MD'],
    ['Europe/Sarajevo', 'BA'],
    ['Europe/Tirane', 'AL'],
    ['Europe/Skopje', 'MK'],
    ['Europe/Podgorica', 'ME'],
    ['Europe/Andorra', 'AD'],
    ['Europe/Monaco', 'MC'],
    ['Europe/Vaduz', 'LI'],
    ['Europe/San_Marino', 'SM'],
    ['Europe/Gibraltar', 'GI'],
    ['Asia/Nicosia', 'CY'],
    ['Atlantic/Reykjavik', 'IS'],
    ['Atlantic/Faroe', 'FO'],
    ['Europe/Isle_of_Man', 'IM'],
    ['Europe/Jersey', 'JE'],
    ['Europe/Guernsey', 'GG'],
    ['Atlantic/Madeira', 'PT'],
    ['Atlantic/Azores', 'PT'],
    ['America/Kentucky/Louisville', 'US'],
    ['Asia/Macau', 'MO'],
  ])('maps %s → %s', (zone, country) => {
    expect(zoneCountry(zone)).toBe(country);
  });

  it.each([
    ['UTC'],
    ['Etc/UTC'],
    ['Etc/GMT+5'],
    ['GMT'],
    ['Mars/Olympus_Mons'],
    ['Asia/'],
    ['/'],
    [''],
    [null],
    [undefined],
    ['constructor'],
    ['__proto__'],
    ['Asia/toString'],
  ])('unknown zone %s → null, never a throw', (zone) => {
    expect(zoneCountry(zone)).toBeNull();
  });

  it('knows well over 60 countries', () => {
    expect(zoneCountries()).toBeGreaterThanOrEqual(100);
  });
});

describe('browserGeoInput', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('reads navigator.language(s) and the Intl time zone', () => {
    vi.stubGlobal('navigator', { language: 'pt-BR', languages: ['pt-BR', 'en'] });
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({
      timeZone: 'America/Sao_Paulo',
    } as Intl.ResolvedDateTimeFormatOptions);
    expect(browserGeoInput()).toEqual({
      language: 'pt-BR',
      languages: ['pt-BR', 'en'],
      timezone: 'America/Sao_Paulo',
    });
  });

  it('nulls without navigator and when Intl throws', () => {
    vi.stubGlobal('navigator', undefined);
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockImplementation(() => {
      throw new Error('no Intl');
    });
    expect(browserGeoInput()).toEqual({ language: null, languages: [], timezone: null });
  });

  it('an empty Intl time zone is null', () => {
    vi.stubGlobal('navigator', { language: '' });
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue(
      {} as Intl.ResolvedDateTimeFormatOptions,
    );
    expect(browserGeoInput()).toEqual({ language: null, languages: [], timezone: null });
  });

  it('feeds geoSignals end to end: de + Europe/Vienna → AT', () => {
    vi.stubGlobal('navigator', { language: 'de', languages: ['de'] });
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({
      timeZone: 'Europe/Vienna',
    } as Intl.ResolvedDateTimeFormatOptions);
    expect(geoSignals({ ...browserGeoInput(), country: undefined })).toEqual({
      country: 'AT',
      timezone: 'Europe/Vienna',
      language: 'de',
      languages: ['de'],
    });
  });
});

describe('lazy time zone', () => {
  it('does not call Intl.DateTimeFormat until the zone is needed', () => {
    const original = Intl.DateTimeFormat;
    let calls = 0;
    (Intl as { DateTimeFormat: unknown }).DateTimeFormat = () => {
      calls++;
      return { resolvedOptions: () => ({ timeZone: 'Europe/Madrid' }) };
    };
    try {
      const byLanguage = geoSignals(Object.assign(browserGeoInput(), { country: null, language: 'en-GB' }));
      expect(byLanguage.country).toBe('GB');
      expect(byLanguage.language).toBe('en-GB');
      expect(calls).toBe(0);
      expect(byLanguage.timezone).toBe('Europe/Madrid');
      expect(byLanguage.timezone).toBe('Europe/Madrid');
      expect(calls).toBe(1);
      const byZone = geoSignals(Object.assign(browserGeoInput(), { country: null, language: 'es' }));
      expect(byZone.country).toBe('ES');
      expect(JSON.parse(JSON.stringify(byZone))).toMatchObject({ country: 'ES', timezone: 'Europe/Madrid' });
    } finally {
      (Intl as { DateTimeFormat: unknown }).DateTimeFormat = original;
    }
  });
});
