import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { loadConfig } from '../../../config/index.js';
import type { Principal } from '../../auth/principal.js';
import type { CreateDocumentFields } from '../../../shared/schemas/documents.js';
import type { Classification, Sharing } from '../../../shared/sharing.js';
import { Document } from '../../models/document.js';
import { Organisation } from '../../models/organisation.js';
import { User } from '../../models/user.js';
import { addVersion, createDocument, findDocument, planNewDocument, storeFile, type Signed } from '../documents/commands.js';
import { configureDocumentStorage, documentStorage } from '../documents/storage.js';
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
    org: 'osapg', title: 'Fictional demo data — Framework of Analysis: quick reference', filename: 'framework-quick-reference.pdf',
    bytes: () => pdf(['Framework of Analysis for Atrocity Crimes', `${NOTE}: a one-page reminder of the 14 risk factors.`]),
    classification: 'unclassified', scope: 'all',
  },
  {
    org: 'osapg', title: 'Fictional demo data — Regional risk legend', filename: 'risk-legend.png',
    bytes: () => png(96, 24, [46, 125, 50], [198, 40, 40]), classification: 'unclassified', scope: 'all',
  },
  {
    org: 'au', title: 'Fictional demo data — Early warning indicators, Kenya', filename: 'indicators-kenya.csv', country: 'KEN',
    bytes: () => csv([['indicator', 'county', 'level'], ['1.7', 'Nakuru', 2], ['7.14', 'Uasin Gishu', 3]]),
    next: () => csv([['indicator', 'county', 'level'], ['1.7', 'Nakuru', 2], ['7.14', 'Uasin Gishu', 3], ['8.8', 'Kisumu', 2]]),
    classification: 'confidential', scope: 'office',
  },
  {
    org: 'au', title: 'Fictional demo data — Field visit photograph', filename: 'field-visit.jpg', country: 'TZA',
    bytes: () => jpeg(150), classification: 'confidential', scope: 'selected', with: ['ecowas', 'icglr'],
  },
  {
    org: 'au', title: 'Fictional demo data — Briefing to the Peace and Security Council', filename: 'psc-briefing.pptx',
    bytes: () => pptx('Briefing to the Council', `${NOTE}: early warning overview`), classification: 'strictly-confidential', scope: 'office',
  },
  {
    org: 'ecowas', title: 'Données fictives — Communiqué sur les tensions électorales', filename: 'communiqué-tensions-électorales.docx', country: 'NGA',
    bytes: () => docx(['Communiqué', 'Données fictives : exemple de communiqué pour la démonstration du hub.']),
    classification: 'unclassified', scope: 'all',
  },
  {
    org: 'ecowas', title: 'Données fictives — Plan de travail 2026', filename: 'plan-de-travail-2026.odt',
    bytes: () => odt(['Plan de travail 2026', 'Données fictives : activités de prévention par trimestre.']),
    classification: 'confidential', scope: 'organisation',
  },
  {
    org: 'ecowas', title: 'Données fictives — Incidents signalés par région', filename: 'incidents-par-region.xlsx', country: 'NGA',
    bytes: () => xlsx([['Région', 'Incidents'], ['Nord-Est', 12], ['Centre-Nord', 7]]), classification: 'confidential', scope: 'selected', with: ['au'],
  },
  {
    org: 'las', title: 'بيانات تجريبية خيالية — تقرير الإنذار المبكر', filename: 'تقرير-الإنذار-المبكر.txt', country: 'SDN',
    bytes: () => text('تقرير الإنذار المبكر\nبيانات تجريبية خيالية لعرض منصة الشركاء.\n'), classification: 'confidential', scope: 'office',
  },
  {
    org: 'las', title: 'بيانات تجريبية خيالية — مصفوفة الرصد', filename: 'مصفوفة-الرصد.ods', country: 'LBY',
    bytes: () => ods([['المؤشر', 'المستوى'], ['1.1', 2], ['8.7', 3]]), classification: 'unclassified', scope: 'all',
  },
  {
    org: 'icglr', title: 'Fictional demo data — Regional Committee meeting notes', filename: 'committee-notes.txt',
    bytes: () => text(`${NOTE}: notes of the Regional Committee's quarterly meeting.\n- Prevention focal points met in Kampala.\n`),
    classification: 'unclassified', scope: 'selected', with: ['au'],
  },
];

async function analystOf(slug: string): Promise<Signed> {
  const organisation = await Organisation.findOne({ slug }).lean();
  const user = await User.findOne({ email: `analyst@${slug}.demo` }).lean();
  if (!organisation || !user) throw new Error(`the demo analyst of ${slug} is missing`);
  const principal: Principal = { user, organisation, sessionId: 'demo-loader' };
  return { principal, ip: null, userAgent: 'demo loader' };
}

const fileOf = (filename: string, bytes: Buffer) => ({ stream: Readable.from([bytes]), filename });

/** Loads the demo documents (once: not if any document exists). Expects the demo organisations and analysts. */
export async function loadDemoDocuments(log: Logger): Promise<void> {
  if (await Document.exists({})) return;
  try {
    documentStorage();
  } catch {
    // The demo loads before the app (and its documents router) is built: same configuration, from the environment.
    configureDocumentStorage(loadConfig());
  }
  const ids = new Map<string, string>();
  for (const org of await Organisation.find({}, { slug: 1 }).lean()) ids.set(org.slug, org._id.toString());
  for (const demo of DOCUMENTS) {
    const ctx = await analystOf(demo.org);
    const fields: CreateDocumentFields = {
      title: demo.title, classification: demo.classification, country: demo.country,
      sharing: { scope: demo.scope, organisations: (demo.with ?? []).map((slug) => ids.get(slug)).filter((id): id is string => !!id) },
    };
    const plan = await planNewDocument(ctx, fields);
    const created = await createDocument(ctx, plan, await storeFile(ctx.principal.organisation._id, fileOf(demo.filename, demo.bytes())));
    if (demo.next) {
      await addVersion(ctx, await findDocument(created.id), await storeFile(ctx.principal.organisation._id, fileOf(demo.filename, demo.next())));
    }
  }
  log.info({ documents: DOCUMENTS.length }, 'loaded the demo documents');
}
