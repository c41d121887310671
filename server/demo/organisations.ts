import type { Locale } from '../../shared/limits.js';
import type { OrganisationKind, Role } from '../../shared/roles.js';

/** A demo organisation: the partners named in the Office's partnership work (shared/framework.md). */
export interface DemoOrganisation {
  slug: string;
  name: string;
  /** Official French and Arabic names (§4 v2); the English one is `name`. */
  names: { fr: string; ar: string };
  kind: Exclude<OrganisationKind, 'office'>;
  parent?: string;
  locale: Locale;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    slug: 'au',
    name: 'African Union — Continental Early Warning System',
    names: { fr: 'Union africaine — Système continental d’alerte rapide', ar: 'الاتحاد الأفريقي — نظام الإنذار المبكر القاري' },
    kind: 'regional',
    locale: 'en',
  },
  {
    slug: 'osce',
    name: 'OSCE — High Commissioner on National Minorities',
    names: { fr: 'OSCE — Haut-Commissaire pour les minorités nationales', ar: 'منظمة الأمن والتعاون في أوروبا — المفوض السامي لشؤون الأقليات القومية' },
    kind: 'regional',
    locale: 'en',
  },
  {
    slug: 'ecowas',
    name: 'ECOWAS — ECOWARN',
    names: { fr: 'CEDEAO — ECOWARN', ar: 'الجماعة الاقتصادية لدول غرب أفريقيا — نظام الإنذار المبكر' },
    kind: 'subregional',
    locale: 'fr',
  },
  {
    slug: 'icglr',
    name: 'ICGLR — Regional Committee for the Prevention of Genocide',
    names: {
      fr: 'CIRGL — Comité régional pour la prévention du génocide',
      ar: 'المؤتمر الدولي لمنطقة البحيرات الكبرى — اللجنة الإقليمية لمنع الإبادة الجماعية',
    },
    kind: 'subregional',
    locale: 'fr',
  },
  {
    slug: 'icglr-kenya',
    name: 'ICGLR National Committee — Kenya',
    names: { fr: 'Comité national de la CIRGL — Kenya', ar: 'اللجنة الوطنية للمؤتمر الدولي لمنطقة البحيرات الكبرى — كينيا' },
    kind: 'national',
    parent: 'icglr',
    locale: 'en',
  },
  {
    slug: 'icglr-tanzania',
    name: 'ICGLR National Committee — Tanzania',
    names: { fr: 'Comité national de la CIRGL — Tanzanie', ar: 'اللجنة الوطنية للمؤتمر الدولي لمنطقة البحيرات الكبرى — تنزانيا' },
    kind: 'national',
    parent: 'icglr',
    locale: 'en',
  },
  {
    slug: 'eu',
    name: 'European Union — European External Action Service',
    names: { fr: 'Union européenne — Service européen pour l’action extérieure', ar: 'الاتحاد الأوروبي — دائرة العمل الخارجي الأوروبية' },
    kind: 'regional',
    locale: 'en',
  },
  {
    slug: 'igad',
    name: 'IGAD — CEWARN',
    names: { fr: 'IGAD — CEWARN', ar: 'الهيئة الحكومية الدولية المعنية بالتنمية — آلية الإنذار المبكر والاستجابة للنزاعات' },
    kind: 'subregional',
    locale: 'en',
  },
  {
    slug: 'oas',
    name: 'Organization of American States',
    names: { fr: 'Organisation des États américains', ar: 'منظمة الدول الأمريكية' },
    kind: 'regional',
    locale: 'en',
  },
  {
    slug: 'asean',
    name: 'ASEAN',
    names: { fr: 'Association des nations de l’Asie du Sud-Est (ASEAN)', ar: 'رابطة دول جنوب شرق آسيا' },
    kind: 'regional',
    locale: 'en',
  },
  {
    slug: 'sadc',
    name: 'SADC',
    names: { fr: 'Communauté de développement de l’Afrique australe (SADC)', ar: 'الجماعة الإنمائية للجنوب الأفريقي' },
    kind: 'subregional',
    locale: 'en',
  },
  { slug: 'las', name: 'League of Arab States', names: { fr: 'Ligue des États arabes', ar: 'جامعة الدول العربية' }, kind: 'regional', locale: 'ar' },
];

/** Fictional people, one per role; the organisation's slug goes into the email. */
export const DEMO_ROLES: { role: Role; first: string }[] = [
  { role: 'admin', first: 'Administrator' },
  { role: 'analyst', first: 'Analyst' },
  { role: 'member', first: 'Officer' },
];

/** The password of every demo account; demo data is for trying the hub, never for real use. */
export const DEMO_PASSWORD = 'partner-hub-demo';
