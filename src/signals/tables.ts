/**
 * The signals' lookup tables: time zones to countries (geo) and referrer hosts to sources
 * (traffic). The script tags load them as the `tables` chunk only on a page view that needs
 * them; the npm build has them in the module graph.
 */

// Country → the last part of its main IANA zones ("Asia/Kolkata" → "Kolkata"; these city parts
// are unique across the table), for the most populous countries and more. Packed to keep the
// tag small and parsed on first use: each two-letter word is a country code, and the words that
// follow it (until the next code) are its cities.
export const ZONES =
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

// Host patterns → source, by medium (tried in this order; the first match wins). Webmail comes
// before search so mail.google.com is email. Each entry matches the host or any subdomain of
// it; `google.*` covers the country domains.
export const REFERRERS: Record<string, [RegExp, string][]> = {
  email: [
    [/^(mail\.google\.|com\.google\.android\.gm$)/, 'gmail'], // + the Android Gmail app
    [/^(outlook\.(live|office|office365)\.com|mail\.live\.com)$/, 'outlook'],
    [/^mail\.yahoo\./, 'yahoo-mail'],
    [/^mail\.aol\./, 'aol-mail'],
    [/^(mail\.)?proton(mail)?\.(me|com)$/, 'proton-mail'],
    [/^(mail\.yandex|e\.mail\.ru|mail\.zoho|webmail\.|mail\.gmx|navigator\.gmx|web\.de$)/, 'webmail'],
  ],
  organic: [
    // Search itself, not Docs, News or Sites (those are referrals, as in GA4).
    [/^((www|m)\.)?google\.[a-z.]+$|^com\.google\.android\.googlequicksearchbox$/, 'google'],
    [/(^|\.)bing\.com$/, 'bing'],
    [/(^|\.)search\.yahoo\.|(^|\.)yahoo\.[a-z.]+$/, 'yahoo'],
    [/(^|\.)duckduckgo\.com$/, 'duckduckgo'],
    [/(^|\.)baidu\.com$/, 'baidu'],
    [/(^|\.)sogou\.com$/, 'sogou'],
    [/(^|\.)so\.com$/, '360'],
    [/(^|\.)yandex\.[a-z.]+$|(^|\.)ya\.ru$/, 'yandex'],
    [/(^|\.)ecosia\.org$/, 'ecosia'],
    [/(^|\.)naver\.com$/, 'naver'],
    [/(^|\.)seznam\.cz$/, 'seznam'],
    [/(^|\.)qwant\.com$/, 'qwant'],
    [/(^|\.)startpage\.com$/, 'startpage'],
    [/^search\.brave\.com$/, 'brave'],
    [/(^|\.)ask\.com$/, 'ask'],
    [/(^|\.)aol\.[a-z.]+$/, 'aol'],
  ],
  social: [
    [/(^|\.)(facebook\.com|fb\.com|fb\.me|messenger\.com)$/, 'facebook'],
    [/(^|\.)instagram\.com$/, 'instagram'],
    [/^(t\.co|(.+\.)?twitter\.com|(.+\.)?x\.com)$/, 'x'],
    [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'linkedin'],
    [/(^|\.)pinterest\.[a-z.]+$|^pin\.it$/, 'pinterest'],
    [/(^|\.)reddit\.com$|^redd\.it$/, 'reddit'],
    [/(^|\.)(youtube\.com|youtu\.be)$/, 'youtube'],
    [/(^|\.)tiktok\.com$/, 'tiktok'],
    [/(^|\.)snapchat\.com$/, 'snapchat'],
    [/(^|\.)whatsapp\.com$|^wa\.me$/, 'whatsapp'],
    [/(^|\.)(telegram\.org|t\.me)$/, 'telegram'],
    [/(^|\.)(vk\.com|ok\.ru)$/, 'vk'],
    [/(^|\.)quora\.com$/, 'quora'],
    [/(^|\.)threads\.(net|com)$/, 'threads'],
    [/(^|\.)(bsky\.app|mastodon\.social)$/, 'bluesky-mastodon'],
  ],
};
