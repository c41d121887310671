import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { isIndicatorOf, RISK_FACTORS, type Localised, type Trend } from '../../shared/framework/index.js';
import type { Locale } from '../../shared/limits.js';
import type { RiskFactorEntry, UpdateAssessmentBody } from '../../shared/schemas/assessments.js';
import type { Classification, Sharing } from '../../shared/sharing.js';
import { demoTlp } from './tlp.js';
import type { Domain } from '../domain.js';
import { createAssessment, findAssessment, publishAssessment, updateAssessment } from '../services/assessments/commands.js';
import type { ActionContext } from '../services/context.js';
import { analystOf, organisationIds } from './people.js';
import { DEMO_ORGANISATIONS } from './organisations.js';

// Demo assessments are made through the service, like an analyst's, so audience, version records,
// audit and change feed are what real use produces; only the clock is then turned back, because a
// chart of risk over time needs readings spread over months, not over the seconds the load takes.

const DAY = 86_400_000;
const FICTIONAL: Localised = { en: 'Fictional demo data —', fr: 'Données fictives —', ar: 'بيانات تجريبية خيالية —' };

/** One country's fictional situation: names, context, each factor's level relative to the overall risk, focus notes. */
interface Scenario {
  name: Localised;
  context: Localised;
  offsets: number[];
  indicators: Partial<Record<number, string[]>>;
  focus: Partial<Record<number, Localised>>;
}

const SCENARIOS: Record<string, Scenario> = {
  KEN: {
    name: { en: 'Kenya', fr: 'Kenya', ar: 'كينيا' },
    context: {
      en: 'invented scenario of county-level electoral tension, inflammatory messages online and disputes over grazing land.',
      fr: 'scénario inventé de tensions électorales locales, de messages incendiaires en ligne et de litiges fonciers pastoraux.',
      ar: 'سيناريو مُتخيَّل لتوترات انتخابية محلية ورسائل تحريضية على الإنترنت ونزاعات على أراضي الرعي.',
    },
    offsets: [0, -1, -1, 0, -1, -1, 0, 1, -1, -2, -2, -2, -3, -2],
    indicators: { 1: ['1.7', '1.11', '1.5'], 7: ['7.14', '7.13'], 8: ['8.8', '8.7'] },
    focus: {
      7: {
        en: 'Invented example: anonymous accounts share lists of "outsiders" in two counties.',
        fr: 'Exemple inventé : des comptes anonymes diffusent des listes d’« étrangers » dans deux comtés.',
        ar: 'مثال مُتخيَّل: حسابات مجهولة تنشر قوائم "الغرباء" في مقاطعتين.',
      },
      8: {
        en: 'Invented example: by-elections scheduled in contested constituencies.',
        fr: 'Exemple inventé : élections partielles prévues dans des circonscriptions disputées.',
        ar: 'مثال مُتخيَّل: انتخابات فرعية مقررة في دوائر متنازع عليها.',
      },
    },
  },
  TZA: {
    name: { en: 'Tanzania', fr: 'Tanzanie', ar: 'تنزانيا' },
    context: {
      en: 'invented scenario of restrictions on civic space ahead of local polls, with low levels of violence.',
      fr: 'scénario inventé de restrictions de l’espace civique avant des scrutins locaux, avec peu de violence.',
      ar: 'سيناريو مُتخيَّل لتقييد الفضاء المدني قبل انتخابات محلية، مع مستوى عنف منخفض.',
    },
    offsets: [-1, -1, 0, -1, -1, 0, 0, 1, -1, -2, -2, -2, -2, -2],
    indicators: { 6: ['6.1', '6.6'], 7: ['7.7', '7.1'], 8: ['8.8'] },
    focus: {
      6: {
        en: 'Invented example: two community radio stations suspended.',
        fr: 'Exemple inventé : deux radios communautaires suspendues.',
        ar: 'مثال مُتخيَّل: تعليق محطتين إذاعيتين مجتمعيتين.',
      },
    },
  },
  SDN: {
    name: { en: 'Sudan', fr: 'Soudan', ar: 'السودان' },
    context: {
      en: 'invented scenario of an armed conflict spreading to new regions, with mass displacement and blocked humanitarian access.',
      fr: 'scénario inventé d’un conflit armé gagnant de nouvelles régions, avec des déplacements massifs et un accès humanitaire entravé.',
      ar: 'سيناريو مُتخيَّل لنزاع مسلح يمتد إلى مناطق جديدة، مع نزوح واسع وعرقلة وصول المساعدات الإنسانية.',
    },
    offsets: [1, 0, 0, 0, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0],
    indicators: { 1: ['1.1', '1.3'], 11: ['11.8', '11.9', '11.1'], 14: ['14.4', '14.3', '14.5'] },
    focus: {
      11: {
        en: 'Invented example: displacement figures doubled within the period.',
        fr: 'Exemple inventé : le nombre de personnes déplacées a doublé sur la période.',
        ar: 'مثال مُتخيَّل: تضاعف عدد النازحين خلال الفترة.',
      },
      14: {
        en: 'Invented example: three aid convoys turned back at checkpoints.',
        fr: 'Exemple inventé : trois convois humanitaires refoulés aux points de contrôle.',
        ar: 'مثال مُتخيَّل: إعادة ثلاث قوافل مساعدات عند نقاط التفتيش.',
      },
    },
  },
  MLI: {
    name: { en: 'Mali', fr: 'Mali', ar: 'مالي' },
    context: {
      en: 'invented scenario of attacks by armed groups in the centre of the country and reprisals against communities.',
      fr: 'scénario inventé d’attaques de groupes armés dans le centre du pays et de représailles contre des communautés.',
      ar: 'سيناريو مُتخيَّل لهجمات جماعات مسلحة في وسط البلاد وأعمال انتقامية ضد مجتمعات محلية.',
    },
    offsets: [1, 0, 0, -1, 0, -1, 0, 0, -1, -2, -1, -2, 0, 0],
    indicators: { 1: ['1.1', '1.2'], 9: ['9.4', '9.5'], 13: ['13.4', '13.12'] },
    focus: {
      9: {
        en: 'Invented example: self-defence groups recruit along community lines.',
        fr: 'Exemple inventé : des groupes d’autodéfense recrutent sur une base communautaire.',
        ar: 'مثال مُتخيَّل: جماعات للدفاع الذاتي تجنّد على أساس مجتمعي.',
      },
    },
  },
  BFA: {
    name: { en: 'Burkina Faso', fr: 'Burkina Faso', ar: 'بوركينا فاسو' },
    context: {
      en: 'invented scenario of besieged towns, militia recruitment and growing stigmatisation of one community.',
      fr: 'scénario inventé de villes assiégées, de recrutement de milices et de stigmatisation croissante d’une communauté.',
      ar: 'سيناريو مُتخيَّل لمدن محاصرة وتجنيد ميليشيات ووصم متزايد لإحدى الجماعات.',
    },
    offsets: [1, -1, 0, -1, 0, -1, 0, 0, -1, -2, -1, -2, 0, -1],
    indicators: { 5: ['5.3', '5.1'], 7: ['7.5', '7.13', '7.14'], 13: ['13.8'] },
    focus: {
      7: {
        en: 'Invented example: volunteer militias expanded without oversight.',
        fr: 'Exemple inventé : milices de volontaires élargies sans contrôle.',
        ar: 'مثال مُتخيَّل: توسيع ميليشيات المتطوعين دون رقابة.',
      },
    },
  },
  COD: {
    name: { en: 'Democratic Republic of the Congo', fr: 'République démocratique du Congo', ar: 'جمهورية الكونغو الديمقراطية' },
    context: {
      en: 'invented scenario of armed group activity in the east around mining sites, with attacks on displacement camps.',
      fr: 'scénario inventé d’activités de groupes armés dans l’est autour de sites miniers, avec des attaques contre des camps de déplacés.',
      ar: 'سيناريو مُتخيَّل لنشاط جماعات مسلحة في الشرق حول مواقع التعدين، مع هجمات على مخيمات النازحين.',
    },
    offsets: [1, 0, 0, 0, 0, -1, 0, 0, 0, -1, 0, -1, 0, 0],
    indicators: { 4: ['4.3', '4.2'], 8: ['8.10', '8.2'], 11: ['11.1', '11.8'] },
    focus: {
      4: {
        en: 'Invented example: control of two artisanal mines changed hands.',
        fr: 'Exemple inventé : le contrôle de deux mines artisanales a changé de mains.',
        ar: 'مثال مُتخيَّل: انتقال السيطرة على منجمين حرفيين.',
      },
    },
  },
};

/** A run of published assessments of one country by one organisation: overall risk, oldest first. */
interface Series {
  org: string;
  country: keyof typeof SCENARIOS;
  risks: number[];
  scope: Sharing['scope'];
  with?: string[];
  classification: Classification;
  /** A later draft of the series, not yet published (visible to its organisation only). */
  draftRisk?: number;
}

const SERIES: Series[] = [
  { org: 'au', country: 'KEN', risks: [1, 2, 2, 3], scope: 'all', classification: 'unclassified', draftRisk: 3 },
  { org: 'igad', country: 'KEN', risks: [2, 2, 3], scope: 'selected', with: ['au', 'icglr-kenya'], classification: 'confidential' },
  { org: 'icglr-kenya', country: 'KEN', risks: [1, 2, 3], scope: 'selected', with: ['au', 'icglr'], classification: 'confidential' },
  { org: 'osapg', country: 'KEN', risks: [2, 3], scope: 'selected', with: ['au'], classification: 'strictly-confidential' },
  { org: 'icglr', country: 'TZA', risks: [1, 1, 2], scope: 'all', classification: 'unclassified' },
  { org: 'icglr-tanzania', country: 'TZA', risks: [1, 2], scope: 'selected', with: ['icglr'], classification: 'confidential' },
  { org: 'au', country: 'TZA', risks: [1, 1], scope: 'office', classification: 'confidential' },
  { org: 'igad', country: 'SDN', risks: [3, 4, 4], scope: 'all', classification: 'unclassified' },
  { org: 'las', country: 'SDN', risks: [3, 3, 4], scope: 'selected', with: ['au', 'igad'], classification: 'confidential', draftRisk: 4 },
  { org: 'au', country: 'SDN', risks: [3, 4, 4, 4], scope: 'all', classification: 'unclassified' },
  { org: 'eu', country: 'SDN', risks: [4, 4], scope: 'office', classification: 'strictly-confidential' },
  { org: 'ecowas', country: 'MLI', risks: [3, 3, 4], scope: 'all', classification: 'unclassified' },
  { org: 'au', country: 'MLI', risks: [3, 4], scope: 'selected', with: ['ecowas'], classification: 'confidential' },
  { org: 'eu', country: 'MLI', risks: [3, 3], scope: 'selected', with: ['ecowas', 'au'], classification: 'confidential' },
  { org: 'ecowas', country: 'BFA', risks: [2, 3, 4], scope: 'selected', with: ['au'], classification: 'confidential', draftRisk: 4 },
  { org: 'au', country: 'BFA', risks: [3, 3, 4], scope: 'all', classification: 'unclassified' },
  { org: 'icglr', country: 'COD', risks: [3, 4, 3], scope: 'all', classification: 'unclassified' },
];

const LEVELS: Record<Locale, string[]> = {
  en: ['Negligible risk', 'Low risk', 'Moderate risk', 'High risk', 'Very high risk'],
  fr: ['Risque négligeable', 'Risque faible', 'Risque modéré', 'Risque élevé', 'Risque très élevé'],
  ar: ['خطر ضئيل', 'خطر منخفض', 'خطر متوسط', 'خطر مرتفع', 'خطر مرتفع جداً'],
};
const TRENDS: Record<Locale, Record<Trend | 'first', string>> = {
  en: {
    first: 'first reading',
    improving: 'improving since the previous reading',
    stable: 'unchanged since the previous reading',
    deteriorating: 'worse than at the previous reading',
  },
  fr: {
    first: 'première lecture',
    improving: 'en amélioration depuis la lecture précédente',
    stable: 'inchangé depuis la lecture précédente',
    deteriorating: 'en aggravation depuis la lecture précédente',
  },
  ar: { first: 'قراءة أولى', improving: 'في تحسن منذ القراءة السابقة', stable: 'دون تغيير منذ القراءة السابقة', deteriorating: 'في تدهور منذ القراءة السابقة' },
};
const QUARTERS: Record<Locale, (q: number, year: number) => string> = {
  en: (q, year) => `quarterly risk assessment, Q${q} ${year}`,
  fr: (q, year) => `évaluation trimestrielle des risques, T${q} ${year}`,
  ar: (q, year) => `تقييم المخاطر الفصلي، ${['الربع الأول', 'الربع الثاني', 'الربع الثالث', 'الربع الرابع'][q - 1]} ${year}`,
};
const REVISED: Localised = {
  en: 'Revised after later field reports.',
  fr: 'Révisé après de nouveaux rapports de terrain.',
  ar: 'عُدِّل بعد تقارير ميدانية لاحقة.',
};

const clamp = (n: number) => Math.max(0, Math.min(4, n));
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const trendOf = (now: number, before: number | undefined): Trend =>
  before === undefined || now === before ? 'stable' : now > before ? 'deteriorating' : 'improving';

/** The 14 factors of one reading; `previous` (the series' last reading) gives the trends. */
function readFactors(s: Scenario, risk: number, locale: Locale, previous: number[] | undefined, seed: number): RiskFactorEntry[] {
  return RISK_FACTORS.map((factor, i) => {
    // A little unevenness, the same on every load, so not every factor moves with the overall risk.
    const wobble = (factor.number * 7 + seed) % 6 === 0 ? 1 : (factor.number * 5 + seed) % 7 === 0 ? -1 : 0;
    const level = clamp(risk + (s.offsets[i] ?? 0) + wobble);
    const trend = trendOf(level, previous?.[i]);
    const preferred = (s.indicators[factor.number] ?? []).filter((code) => isIndicatorOf(factor.number, code));
    const codes = [...new Set([...preferred, ...factor.indicators.map((ind) => ind.code)])].slice(0, level);
    const focus = s.focus[factor.number]?.[locale];
    const notes = `${LEVELS[locale][level]}; ${TRENDS[locale][previous ? trend : 'first']}.${focus ? ` ${focus}` : ''}`;
    return { number: factor.number, level, trend, indicators: codes, notes };
  });
}

/** Title and summary of one reading, in the organisation's language. */
function texts(s: Scenario, locale: Locale, periodStart: Date, risk: number, before: number | undefined) {
  const quarter = Math.floor(periodStart.getUTCMonth() / 3) + 1;
  const change = before === undefined ? TRENDS[locale].first : TRENDS[locale][trendOf(risk, before)];
  return {
    title: `${s.name[locale]}${locale === 'fr' ? ' : ' : ': '}${QUARTERS[locale](quarter, periodStart.getUTCFullYear())}`,
    summary: `${FICTIONAL[locale]} ${s.context[locale]} ${LEVELS[locale][risk]} (${change}).`,
  };
}

/** What one reading of a series is made of. */
interface Reading {
  series: Series;
  risk: number;
  /** The series' previous reading: factor levels and overall risk (for trends). */
  before: { levels: number[]; risk: number } | undefined;
  at: Date;
  organisations: string[];
  /** Drafted with the common factors first and completed a week later (one more version). */
  staged: boolean;
  /** Revised after publication (one more version). */
  revised: boolean;
  draft: boolean;
  /** Varies the factor levels from reading to reading. */
  seed: number;
}

/**
 * One reading through the service, 1 to 5 versions: drafted (the common factors only when
 * `staged`, completed a week later), published unless a draft, and revised (and the revision published) after publication.
 */
async function storeReading(domain: Domain, ctx: ActionContext & { principal: Principal }, r: Reading): Promise<number[]> {
  const scenario = SCENARIOS[r.series.country]!;
  const locale = (DEMO_ORGANISATIONS.find((o) => o.slug === r.series.org)?.locale ?? 'en') as Locale;
  // The calendar quarter before the reading is the period it covers.
  const quarterStart = Math.floor(r.at.getUTCMonth() / 3) * 3;
  const periodStart = new Date(Date.UTC(r.at.getUTCFullYear(), quarterStart - 3, 1));
  const periodEnd = new Date(Date.UTC(r.at.getUTCFullYear(), quarterStart, 0));
  const factors = readFactors(scenario, r.risk, locale, r.before?.levels, r.seed);
  const { title, summary } = texts(scenario, locale, periodStart, r.risk, r.before?.risk);
  const created = await createAssessment(domain, ctx, {
    country: r.series.country,
    title,
    summary,
    periodStart: isoDate(periodStart),
    periodEnd: isoDate(periodEnd),
    overallRisk: r.risk,
    riskFactors: r.staged ? factors.slice(0, 8) : factors,
    classification: r.series.classification,
    tlp: demoTlp(r.series.classification),
    discoverable: false,
    sharing: { scope: r.series.scope, organisations: r.series.scope === 'selected' ? r.organisations : [] },
  });
  const times = [new Date(r.at.getTime() - 16 * DAY)];
  const next = async (change: Omit<UpdateAssessmentBody, 'version'>, at: Date) => {
    const doc = await findAssessment(domain, created.id);
    await updateAssessment(domain, ctx, doc, { version: doc.version, ...change });
    times.push(at);
  };
  if (r.staged) await next({ riskFactors: factors }, new Date(r.at.getTime() - 7 * DAY));
  const publications: number[] = [];
  const publish = async (at: Date) => {
    await publishAssessment(domain, ctx, await findAssessment(domain, created.id));
    times.push(at);
    publications.push(times.length);
  };
  if (!r.draft) {
    await publish(r.at);
    if (r.revised) {
      // A revision is a draft until published again (§6 v2).
      const revised = factors.map((f) => (f.number === 1 ? { ...f, notes: `${f.notes} ${REVISED[locale]}` } : f));
      await next({ riskFactors: revised }, new Date(r.at.getTime() + 5 * DAY));
      await publish(new Date(r.at.getTime() + 6 * DAY));
    }
  }
  await domain.repos.assessments.backdate(created.id, times, publications);
  return factors.map((f) => f.level);
}

/**
 * HUB_DEMO=1, on a database without assessments: fictional assessments of six countries by several
 * demo organisations (and the Office), each series published over the last 18 months plus a few
 * drafts, in each organisation's language. Expects the demo organisations and analysts to exist.
 */
export async function loadDemoAssessments(domain: Domain, log: Logger): Promise<void> {
  if (!(await domain.repos.assessments.isEmpty())) return;
  const ids = await organisationIds(domain);
  const now = Date.now();
  // Series are independent of each other, so they are stored side by side.
  const counts = await Promise.all(
    SERIES.map(async (series, n) => {
      const ctx = await analystOf(domain, series.org);
      const organisations = (series.with ?? []).map((slug) => ids.get(slug)).filter((id): id is string => id !== undefined);
      // Spread over 18 months, newest 3–6 weeks ago; offset a little per series so organisations do not publish on the same day.
      const first = 540 - (n % 5) * 6;
      const last = 22 + (n % 4) * 5;
      const step = series.risks.length > 1 ? (first - last) / (series.risks.length - 1) : 0;
      let before: Reading['before'];
      for (const [i, risk] of series.risks.entries()) {
        const at = new Date(now - Math.round(first - i * step) * DAY);
        // Only the latest reading goes through every step: older ones cost the load time and show little more.
        const latest = i === series.risks.length - 1;
        const levels = await storeReading(domain, ctx, {
          series,
          risk,
          before,
          at,
          organisations,
          staged: latest,
          revised: latest,
          draft: false,
          seed: n * 3 + i,
        });
        before = { levels, risk };
      }
      if (series.draftRisk !== undefined) {
        const at = new Date(now + 5 * DAY);
        await storeReading(domain, ctx, {
          series,
          risk: series.draftRisk,
          before,
          at,
          organisations,
          staged: true,
          revised: false,
          draft: true,
          seed: n * 3 + series.risks.length,
        });
      }
      return series.risks.length + (series.draftRisk === undefined ? 0 : 1);
    }),
  );
  const count = counts.reduce((a, b) => a + b, 0);
  log.info({ assessments: count }, 'loaded the demo assessments');
}
