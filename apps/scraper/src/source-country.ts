/**
 * The country a source list states for a proxy (its `country` column or key, kept raw in tags.country), as an
 * ISO 3166-1 alpha-2 code: a two-letter code (any case; deprecated ones such as UK read as their successor)
 * or an English country name ("United States", "Germany"). Anything else (a city, "Unknown", a group such as
 * EU) is no country: the proxy then has no source country and no mismatch can be stated.
 */
export function sourceCountryOf(stated: string | undefined): string | undefined {
  if (stated === undefined) return undefined;
  const text = stated.trim();
  if (/^[A-Za-z]{2}$/.test(text)) return canonicalCode(text.toUpperCase());
  return codesByName().get(nameKey(text));
}

/** Region codes that name no single country. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);
const ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  'russian federation': 'RU',
  'korea, republic of': 'KR',
  'republic of korea': 'KR',
  'viet nam': 'VN',
  'iran, islamic republic of': 'IR',
  czechia: 'CZ',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  'czech republic': 'CZ',
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

function canonicalCode(code: string): string | undefined {
  if (NOT_COUNTRIES.has(code) || regionNames.of(code) === undefined) return undefined;
  const canonical = new Intl.Locale(Intl.getCanonicalLocales(`und-${code}`)[0] ?? `und-${code}`).region;
  return canonical !== undefined && /^[A-Z]{2}$/.test(canonical) && !NOT_COUNTRIES.has(canonical)
    ? canonical
    : undefined;
}

const nameKey = (name: string) => name.toLowerCase().replace(/\s+/g, ' ');

let byName: Map<string, string> | undefined;

function codesByName(): Map<string, string> {
  if (byName === undefined) {
    byName = new Map(Object.entries(ALIASES));
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (const first of letters) {
      for (const second of letters) {
        const code = canonicalCode(first + second);
        const name = code === undefined ? undefined : regionNames.of(code);
        if (code !== undefined && name !== undefined && !byName.has(nameKey(name))) byName.set(nameKey(name), code);
      }
    }
  }
  return byName;
}
