import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { CreateDocumentFields } from '../../shared/schemas/documents.js';
import type { Classification, Sharing } from '../../shared/sharing.js';
import { demoTlp } from './tlp.js';
import type { Domain } from '../domain.js';
import { addVersion, createDocument, findDocument, planNewDocument, storeFile } from '../services/documents/commands.js';
import { analystOf, organisationIds } from './people.js';
import { csv, docx, jpeg, odt, ods, pdf, png, pptx, text, xlsx } from './documentFiles.js';

// Demo documents go through the document service like an analyst's upload (sniffing, encryption,
// versions, audit, change feed), one or more of every accepted type, with varied sharing.

interface DemoDocument {
  org: string;
  title: string;
  filename: string;
  bytes: () => Buffer;
  classification: Classification;
  scope: Sharing['scope'];
  with?: string[];
  country?: string;
  /** A second version, to show a version history. */
  next?: () => Buffer;
}

const NOTE = 'Fictional demo data';

const DOCUMENTS: DemoDocument[] = [
  {
    org: 'osapg',
    title: 'Fictional demo data — Framework of Analysis: quick reference',
    filename: 'framework-quick-reference.pdf',
    bytes: () => pdf(['Framework of Analysis for Atrocity Crimes', `${NOTE}: a one-page reminder of the 14 risk factors.`]),
    classification: 'unclassified',
    scope: 'all',
  },
  {
    org: 'osapg',
    title: 'Fictional demo data — Regional risk legend',
    filename: 'risk-legend.png',
    bytes: () => png(96, 24, [46, 125, 50], [198, 40, 40]),
    classification: 'unclassified',
    scope: 'all',
  },
  {
    org: 'au',
    title: 'Fictional demo data — Early warning indicators, Kenya',
    filename: 'indicators-kenya.csv',
    country: 'KEN',
    bytes: () =>
      csv([
        ['indicator', 'county', 'level'],
        ['1.7', 'Nakuru', 2],
        ['7.14', 'Uasin Gishu', 3],
      ]),
    next: () =>
      csv([
        ['indicator', 'county', 'level'],
        ['1.7', 'Nakuru', 2],
        ['7.14', 'Uasin Gishu', 3],
        ['8.8', 'Kisumu', 2],
      ]),
    classification: 'confidential',
    scope: 'office',
  },
  {
    org: 'au',
    title: 'Fictional demo data — Field visit photograph',
    filename: 'field-visit.jpg',
    country: 'TZA',
    bytes: () => jpeg(150),
    classification: 'confidential',
    scope: 'selected',
    with: ['ecowas', 'icglr'],
  },
  {
    org: 'au',
    title: 'Fictional demo data — Briefing to the Peace and Security Council',
    filename: 'psc-briefing.pptx',
    bytes: () => pptx('Briefing to the Council', `${NOTE}: early warning overview`),
    classification: 'strictly-confidential',
    scope: 'office',
  },
  {
    org: 'ecowas',
    title: 'Données fictives — Communiqué sur les tensions électorales',
    filename: 'communiqué-tensions-électorales.docx',
    country: 'NGA',
    bytes: () => docx(['Communiqué', 'Données fictives : exemple de communiqué pour la démonstration du hub.']),
    classification: 'unclassified',
    scope: 'all',
  },
  {
    org: 'ecowas',
    title: 'Données fictives — Plan de travail 2026',
    filename: 'plan-de-travail-2026.odt',
    bytes: () => odt(['Plan de travail 2026', 'Données fictives : activités de prévention par trimestre.']),
    classification: 'confidential',
    scope: 'organisation',
  },
  {
    org: 'ecowas',
    title: 'Données fictives — Incidents signalés par région',
    filename: 'incidents-par-region.xlsx',
    country: 'NGA',
    bytes: () =>
      xlsx([
        ['Région', 'Incidents'],
        ['Nord-Est', 12],
        ['Centre-Nord', 7],
      ]),
    classification: 'confidential',
    scope: 'selected',
    with: ['au'],
  },
  {
    org: 'las',
    title: 'بيانات تجريبية خيالية — تقرير الإنذار المبكر',
    filename: 'تقرير-الإنذار-المبكر.txt',
    country: 'SDN',
    bytes: () => text('تقرير الإنذار المبكر\nبيانات تجريبية خيالية لعرض منصة الشركاء.\n'),
    classification: 'confidential',
    scope: 'office',
  },
  {
    org: 'las',
    title: 'بيانات تجريبية خيالية — مصفوفة الرصد',
    filename: 'مصفوفة-الرصد.ods',
    country: 'LBY',
    bytes: () =>
      ods([
        ['المؤشر', 'المستوى'],
        ['1.1', 2],
        ['8.7', 3],
      ]),
    classification: 'unclassified',
    scope: 'all',
  },
  {
    org: 'icglr',
    title: 'Fictional demo data — Regional Committee meeting notes',
    filename: 'committee-notes.txt',
    bytes: () => text(`${NOTE}: notes of the Regional Committee's quarterly meeting.\n- Prevention focal points met in Kampala.\n`),
    classification: 'unclassified',
    scope: 'selected',
    with: ['au'],
  },
];

const fileOf = (filename: string, bytes: Buffer) => ({ stream: Readable.from([bytes]), filename });

/** Loads the demo documents (once: not if any document exists). Expects the demo organisations and analysts. */
export async function loadDemoDocuments(domain: Domain, log: Logger): Promise<void> {
  if (!(await domain.repos.documents.isEmpty())) return;
  const ids = await organisationIds(domain);
  for (const demo of DOCUMENTS) {
    const ctx = await analystOf(domain, demo.org);
    const fields: CreateDocumentFields = {
      title: demo.title,
      classification: demo.classification,
      country: demo.country,
      sharing: { scope: demo.scope, organisations: (demo.with ?? []).map((slug) => ids.get(slug)).filter((id): id is string => !!id) },
      tlp: demoTlp(demo.classification),
      discoverable: 'false',
    };
    const plan = await planNewDocument(domain, ctx, fields);
    const created = await createDocument(domain, ctx, plan, await storeFile(domain, ctx.principal.organisation._id, fileOf(demo.filename, demo.bytes())));
    if (demo.next) {
      const stored = await storeFile(domain, ctx.principal.organisation._id, fileOf(demo.filename, demo.next()));
      await addVersion(domain, ctx, await findDocument(domain, created.id), stored);
    }
  }
  log.info({ documents: DOCUMENTS.length }, 'loaded the demo documents');
}
