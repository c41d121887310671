import countries from 'i18n-iso-countries';
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import type { Locale } from '../../shared/limits.js';

// Registered explicitly, as the package documents, so our three working languages do not depend on
// its Node entry point happening to preload every locale.
for (const locale of [en, fr, ar]) countries.registerLocale(locale);

/** A country as `GET /api/countries` lists it (§6). */
export interface CountryView {
  readonly code: string;
  readonly name: string;
  /** ISO 3166-1 numeric code ("404"), as map data such as world-atlas identifies countries. */
  readonly numeric: string | null;
}

// The package also carries XK/XKK (Kosovo), a user-assigned code rather than an ISO 3166-1 one.
const NOT_ISO_3166_1 = new Set(['XK']);

const ALPHA3_CODES: ReadonlySet<string> = new Set(
  Object.entries(countries.getAlpha2Codes())
    .filter(([alpha2]) => !NOT_ISO_3166_1.has(alpha2))
    .map(([, alpha3]) => alpha3),
);

const listsByLanguage = new Map<Locale, readonly CountryView[]>();

/** True for an ISO 3166-1 alpha-3 code in upper case, as assessments store them (`KEN`). */
export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && ALPHA3_CODES.has(code);
}

/** The country's name in `lang` (English when the package has none); undefined for an unknown code. */
export function countryName(code: string, lang: Locale): string | undefined {
  if (!isCountryCode(code)) return undefined;
  return countries.getName(code, lang, { select: 'official' }) ?? countries.getName(code, 'en', { select: 'official' });
}

/** Every ISO 3166-1 country, `{code: alpha-3, name}`, sorted by name in `lang`; built once per language. */
export function listCountries(lang: Locale): readonly CountryView[] {
  const cached = listsByLanguage.get(lang);
  if (cached) return cached;
  const collator = new Intl.Collator(lang);
  // Frozen because the same array is handed to every request.
  const list = Object.freeze(
    [...ALPHA3_CODES]
      .map((code) => Object.freeze({ code, name: countryName(code, lang) ?? code, numeric: countries.alpha3ToNumeric(code) ?? null }))
      .sort((a, b) => collator.compare(a.name, b.name)),
  );
  listsByLanguage.set(lang, list);
  return list;
}

/**
 * The alpha-3 code for an ISO 3166-1 numeric code (`404` or `"404"` → `KEN`), as map data such as
 * world-atlas identifies countries; undefined for anything else.
 */
export function numericToAlpha3(numeric: string | number): string | undefined {
  const text = typeof numeric === 'number' ? String(numeric) : numeric;
  // The package pads whatever it gets ("" would become "000"), so only plain 1–3 digit codes pass.
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const alpha3 = countries.numericToAlpha3(text.padStart(3, '0'));
  return isCountryCode(alpha3) ? alpha3 : undefined;
}
