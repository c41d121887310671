import mongoose from 'mongoose';
import { RISK_FACTORS, TRENDS } from '../../shared/framework/index.js';
import type { Locale } from '../../shared/limits.js';
import { searchWords } from '../../shared/search.js';
import type { Classification, SharingScope } from '../../shared/sharing.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { Assessment, type AssessmentDoc } from '../../server/models/assessment.js';
import { AssessmentVersion, versionKey } from '../../server/models/assessmentVersion.js';
import { Organisation } from '../../server/models/organisation.js';
import { User } from '../../server/models/user.js';
import { audienceOf } from '../../server/policies/sharing.js';
import { ASSESSMENT_FEED } from '../../server/repositories/assessments.js';
import { publishChange } from '../../server/store/changeFeed.js';
import { OrganisationRepository } from '../../server/repositories/organisations.js';

// The benchmark's data, inserted in bulk straight through the models (the service would take an
// hour on FerretDB) but with the derived fields — audience, search words, version list — computed
// by the same functions the service uses, so the hub reads them exactly as it reads its own.

const DAY = 86_400_000;
export const BENCH_PASSWORD = 'bench-analyst-password-1';
export const BENCH_ANALYST = 'bench-analyst@bench.test';
const BATCH = 250;

// KEN twice: the overview benchmark asks for it, so it gets a country's worth of history and more.
const COUNTRIES = [
  'KEN',
  'KEN',
  'TZA',
  'UGA',
  'RWA',
  'BDI',
  'COD',
  'SSD',
  'SDN',
  'ETH',
  'SOM',
  'MLI',
  'BFA',
  'NER',
  'NGA',
  'CMR',
  'CAF',
  'TCD',
  'LBY',
  'YEM',
  'SYR',
  'IRQ',
  'MMR',
  'HTI',
  'VEN',
];
const TOPICS: Record<Locale, string[]> = {
  en: ['electoral violence', 'intercommunal clashes', 'displacement', 'hate speech', 'land disputes', 'militia recruitment'],
  fr: ['violences électorales', 'affrontements intercommunautaires', 'déplacements', 'discours de haine', 'litiges fonciers', 'recrutement de milices'],
  ar: ['العنف الانتخابي', 'اشتباكات بين المجتمعات', 'النزوح', 'خطاب الكراهية', 'النزاعات على الأراضي', 'تجنيد الميليشيات'],
};
const SENTENCES: Record<Locale, string[]> = {
  en: [
    'Reports from partners in the field point to a rise in incidents over the period.',
    'Local mediation structures remain active but lack resources and access.',
    'Inflammatory messages circulate on social media and community radio.',
    'Security forces were redeployed to the border districts during the quarter.',
    'Humanitarian access is restricted in several districts, limiting verification.',
    'Civil society organisations report pressure and intimidation ahead of the vote.',
  ],
  fr: [
    'Les partenaires sur le terrain signalent une hausse des incidents sur la période.',
    'Les structures locales de médiation restent actives mais manquent de moyens.',
    'Des messages incendiaires circulent sur les réseaux sociaux et les radios communautaires.',
    'Les forces de sécurité ont été redéployées vers les districts frontaliers.',
  ],
  ar: [
    'تشير تقارير الشركاء الميدانيين إلى ارتفاع عدد الحوادث خلال الفترة.',
    'لا تزال هياكل الوساطة المحلية نشطة لكنها تفتقر إلى الموارد.',
    'تنتشر رسائل تحريضية على وسائل التواصل الاجتماعي والإذاعات المجتمعية.',
    'أعيد نشر قوات الأمن في المناطق الحدودية خلال الربع.',
  ],
};

/** A small seeded PRNG (mulberry32), so every run seeds the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the benchmark needs to know of the seeded data. */
export interface Seeded {
  officeId: string;
  organisationIds: string[];
  analystOrganisationId: string;
  assessments: number;
  /** How many of the assessments the analyst may see (every scope), by the same audience rule. */
  visibleToAnalyst: number;
  byScope: Record<string, number>;
  seconds: number;
  /** 50 of the last seeded assessments, as stored (for timing the presenter and JSON). */
  sample: AssessmentDoc[];
  /** The first assessment inserted. */
  firstId: string;
}

/** 12 organisations, an analyst in the first, and `count` assessments with 14 factors each and one version record. */
export async function seed(count: number, organisations = 12): Promise<Seeded> {
  const started = Date.now();
  const rnd = random(20240914);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const officeId = await new OrganisationRepository().officeId();
  const orgs = await Organisation.insertMany(
    Array.from({ length: organisations }, (_, i) => ({
      slug: `bench-${String(i + 1).padStart(2, '0')}`,
      name: `Benchmark organisation ${i + 1}`,
      kind: 'regional',
    })),
  );
  const orgIds = orgs.map((o) => o._id);
  const locales: Locale[] = orgIds.map((_, i) => (i < 8 ? 'en' : i < 10 ? 'fr' : 'ar'));
  const authors = orgIds.map(() => new mongoose.Types.ObjectId());
  const analystOrg = orgIds[0]!;
  await User.create({
    email: BENCH_ANALYST,
    name: 'Benchmark analyst',
    role: 'analyst',
    organisationId: analystOrg,
    locale: 'en',
    passwordHash: await hashPassword(BENCH_PASSWORD),
  });

  const now = Date.now();
  const byScope: Record<string, number> = {};
  let visible = 0;
  let lastId = '';
  let sample: AssessmentDoc[] = [];
  let firstId = '';
  for (let done = 0; done < count; done += BATCH) {
    const assessments: AssessmentDoc[] = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      const owner = i % organisations;
      const locale = locales[owner]!;
      const draft = rnd() < 0.12;
      const r = rnd();
      const scope: SharingScope = r < 0.15 ? 'organisation' : r < 0.4 ? 'office' : r < 0.7 ? 'selected' : 'all';
      const others = orgIds.filter((_, n) => n !== owner);
      // The analyst's organisation is among the chosen ones in about a third of the `selected` items.
      const chosen =
        scope !== 'selected'
          ? []
          : [...new Set([...(owner !== 0 && rnd() < 0.33 ? [analystOrg] : []), ...Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(others))])];
      const classification: Classification =
        scope === 'all' ? pick(['unclassified', 'confidential'] as const) : pick(['unclassified', 'confidential', 'strictly-confidential'] as const);
      const updatedAt = new Date(now - Math.floor(rnd() * 730 * DAY));
      const createdAt = new Date(updatedAt.getTime() - Math.floor(rnd() * 30 * DAY));
      const country = pick(COUNTRIES);
      const topic = pick(TOPICS[locale]);
      const title = `${country} — ${topic} — ${updatedAt.toISOString().slice(0, 7)}`;
      const summary = Array.from({ length: 4 }, () => pick(SENTENCES[locale])).join(' ') + ` ${topic}.`;
      const riskFactors = RISK_FACTORS.map((f) => ({
        number: f.number,
        level: Math.floor(rnd() * 5),
        trend: pick(TRENDS),
        indicators: f.indicators
          .filter(() => rnd() < 0.2)
          .map((ind) => ind.code)
          .slice(0, 4),
        notes: `${pick(SENTENCES[locale])} ${pick(SENTENCES[locale])}`,
      }));
      const sharing = { scope, organisations: chosen };
      const audience = audienceOf({ organisationId: orgIds[owner]!, sharing, draft }, officeId);
      if (audience.includes(`org:${analystOrg.toString()}`) || audience.includes('all')) visible++;
      byScope[draft ? 'draft' : scope] = (byScope[draft ? 'draft' : scope] ?? 0) + 1;
      const content = {
        title,
        summary,
        periodStart: createdAt.toISOString().slice(0, 10),
        periodEnd: updatedAt.toISOString().slice(0, 10),
        overallRisk: Math.floor(rnd() * 5),
        riskFactors,
        status: draft ? ('draft' as const) : ('published' as const),
        classification,
        sharing,
        version: 1,
        updatedBy: authors[owner]!,
        updatedAt,
        publishedAt: draft ? null : updatedAt,
      };
      assessments.push({
        _id: new mongoose.Types.ObjectId(),
        organisationId: orgIds[owner]!,
        country,
        ...content,
        createdBy: authors[owner]!,
        createdAt,
        audience,
        words: searchWords(title, summary),
        versions: [{ version: 1, updatedBy: authors[owner]!, updatedAt, status: content.status, audience }],
        published: draft ? null : content,
        publishedVersion: draft ? null : 1,
        deletedAt: null,
        deletedBy: null,
      });
    }
    const versions = assessments.map(({ _id, audience: _a, words: _w, versions: _v, published: _p, publishedVersion: _n, ...content }) => ({
      _id: versionKey(_id.toString(), 1),
      assessmentId: _id,
      ...content,
    }));
    await AssessmentVersion.collection.insertMany(versions as unknown as Parameters<typeof AssessmentVersion.collection.insertMany>[0]);
    await Assessment.collection.insertMany(assessments);
    lastId = assessments.at(-1)!._id.toString();
    sample = assessments.slice(0, 50);
    firstId ||= assessments[0]!._id.toString();
  }
  // One change for the record; a running hub's catalog would apply only this one (it applies up to
  // 2,000 changes before reloading), so run.ts measures a hub started after the seeding.
  await publishChange(ASSESSMENT_FEED, lastId);
  return {
    officeId,
    organisationIds: orgIds.map(String),
    analystOrganisationId: analystOrg.toString(),
    assessments: count,
    visibleToAnalyst: visible,
    byScope,
    seconds: (Date.now() - started) / 1000,
    sample,
    firstId,
  };
}
