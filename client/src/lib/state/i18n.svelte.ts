/** The interface language: messages, direction of the document and Intl formatting. */
import { LOCALES, type Locale } from '../../../../shared/limits.js';
import en from '../i18n/en.json';

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
type Params = Record<string, string | number>;

const STORAGE_KEY = 'partner-hub.locale';
// First Strong Isolate … Pop Directional Isolate: keeps user text from reordering the sentence around it.
const FSI = String.fromCharCode(0x2068);
const PDI = String.fromCharCode(0x2069);
const RTL: readonly Locale[] = ['ar'];

// English ships in the main bundle as the fallback; French and Arabic load on first use.
const loaders: Record<Locale, () => Promise<Messages>> = {
  en: async () => en,
  fr: async () => (await import('../i18n/fr.json')).default as Messages,
  ar: async () => (await import('../i18n/ar.json')).default as Messages,
};

/** Whether a value is one of the hub's languages. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function remembered(): Locale | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null;
  }
}

function fromBrowser(): Locale {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

/** Language state: `t(key, params)`, `dir`, date and number formatting per language. */
export class I18n {
  locale = $state<Locale>('en');
  #messages = $state.raw<Messages>(en);
  readonly dir = $derived<'rtl' | 'ltr'>(RTL.includes(this.locale) ? 'rtl' : 'ltr');
  /** Set when the person picked a language on the sign-in page: it then wins over the profile's. */
  chosenBeforeSignIn = false;

  /** The language this browser last used (or its preferred one), loaded before the first paint. */
  async start(): Promise<void> {
    await this.set(remembered() ?? fromBrowser(), { remember: false });
  }

  /** Switches the language of the whole interface. */
  async set(locale: Locale, options: { remember?: boolean } = {}): Promise<void> {
    let messages: Messages;
    try {
      messages = await loaders[locale]();
    } catch {
      return; // offline and not cached: stay in the current language
    }
    this.#messages = messages;
    this.locale = locale;
    const root = document.documentElement;
    root.lang = locale;
    root.dir = RTL.includes(locale) ? 'rtl' : 'ltr';
    if (options.remember !== false) {
      try {
        window.localStorage.setItem(STORAGE_KEY, locale);
      } catch {
        // private mode: the choice lasts for this page only
      }
    }
  }

  /** The message `key` in the current language with `{name}` placeholders filled in. */
  t = (key: MessageKey, params?: Params): string => {
    const text = this.#messages[key] ?? en[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      // User text inside a sentence is isolated so an Arabic name does not reorder an English sentence.
      return typeof value === 'number' ? this.number(value) : `${FSI}${value}${PDI}`;
    });
  };

  /** Whether a message exists (for codes coming from the hub, such as audit actions). */
  has(key: string): key is MessageKey {
    return key in this.#messages || key in en;
  }

  /** A number in the current language's digits and grouping. */
  number = (value: number): string => new Intl.NumberFormat(this.locale).format(value);

  /** A date and time from an ISO string, in the person's time zone. */
  dateTime = (iso: string, withSeconds = false): string => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: withSeconds ? 'medium' : 'short' }).format(date);
  };

  /** A relative time ("3 minutes ago") for recent events. */
  relative = (iso: string, now = Date.now()): string => {
    const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
    const format = new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto' });
    const abs = Math.abs(seconds);
    if (abs < 60) return format.format(seconds, 'second');
    if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
    if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
    return this.dateTime(iso);
  };
}

export const i18n = new I18n();
