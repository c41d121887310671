/** The Framework's risk factors and the list of countries, in the interface language, loaded once per language. */
import type { Locale } from '../../../../shared/limits.js';
import { api, type CountryItem, type RiskFactorView } from '../api.js';

interface Loaded {
  factors: RiskFactorView[];
  countries: CountryItem[];
}

/** Reference data every assessment page needs; it follows the language (`load()` again after a switch). */
export class Reference {
  factors = $state.raw<RiskFactorView[]>([]);
  countries = $state.raw<CountryItem[]>([]);
  /** The language the lists above are in (null until the first load). */
  locale = $state<Locale | null>(null);
  readonly #names = $derived(new Map(this.countries.map((country) => [country.code, country.name])));
  readonly #byNumeric = $derived(new Map(this.countries.filter((c) => c.numeric).map((c) => [String(c.numeric).padStart(3, '0'), c.code])));
  readonly #factorsByNumber = $derived(new Map(this.factors.map((factor) => [factor.number, factor])));
  #pending = new Map<Locale, Promise<Loaded>>();

  /** Loads (or reuses) the lists in `locale`; rejects with the ApiError when the hub cannot answer. */
  async load(locale: Locale): Promise<void> {
    let pending = this.#pending.get(locale);
    if (!pending) {
      pending = Promise.all([api.framework(locale), api.countries(locale)]).then(([framework, countries]) => ({
        factors: framework.riskFactors,
        countries: countries.items,
      }));
      this.#pending.set(locale, pending);
      pending.catch(() => this.#pending.delete(locale));
    }
    const loaded = await pending;
    this.factors = loaded.factors;
    this.countries = loaded.countries;
    this.locale = locale;
  }

  /** A country's name in the current language; its code until the list is loaded. */
  countryName = (code: string): string => this.#names.get(code) ?? code;

  /** The alpha-3 code of an ISO numeric code as map data carries it (`"404"` → `KEN`). */
  alpha3 = (numeric: string | number): string | undefined => this.#byNumeric.get(String(numeric).padStart(3, '0'));

  /** One risk factor's title and indicators. */
  factor = (number: number): RiskFactorView | undefined => this.#factorsByNumber.get(number);

  /** Forgets everything (sign-out). */
  clear(): void {
    this.#pending.clear();
    this.factors = [];
    this.countries = [];
    this.locale = null;
  }
}

export const reference = new Reference();
