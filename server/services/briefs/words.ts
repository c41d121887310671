import type { Locale } from '../../../shared/limits.js';

/** What the brief says besides the items' own text, in one language. */
export interface BriefWords {
  title: (country: string) => string;
  preparedFor: (organisation: string, at: string) => string;
  riskOverTime: string;
  noReadings: string;
  matrix: string;
  factor: string;
  overall: string;
  openAlerts: string;
  noAlerts: string;
  actions: string;
  owner: string;
  due: string;
  acknowledged: string;
  issuedBy: (organisation: string, at: string) => string;
  documents: string;
  noDocuments: string;
  page: (n: number, of: number) => string;
  risk: readonly string[];
  levels: Record<string, string>;
  statuses: Record<string, string>;
  classifications: Record<string, string>;
}

/** The brief's words in English, French and Arabic. */
export const BRIEF_WORDS: Record<Locale, BriefWords> = {
  en: {
    title: (country) => `Country brief: ${country}`,
    preparedFor: (organisation, at) => `Prepared for ${organisation} on ${at} (UTC): what it can see in Partner Hub.`,
    riskOverTime: 'Risk over time',
    noReadings: 'No published assessment of this country is visible to you.',
    matrix: 'Risk factors by organisation (latest readings)',
    factor: 'Risk factor',
    overall: 'Overall risk',
    openAlerts: 'Open alerts',
    noAlerts: 'No open alert.',
    actions: 'Recommended actions',
    owner: 'Owner',
    due: 'Due',
    acknowledged: 'Acknowledged by',
    issuedBy: (organisation, at) => `Issued by ${organisation}, ${at}`,
    documents: 'Documents',
    noDocuments: 'No document.',
    page: (n, of) => `Page ${n} of ${of}`,
    risk: ['None', 'Low', 'Moderate', 'High', 'Very high'],
    levels: { watch: 'Watch', warning: 'Warning', urgent: 'Urgent' },
    statuses: { open: 'Open', 'in-progress': 'In progress', done: 'Done', declined: 'Declined' },
    classifications: { unclassified: 'UNCLASSIFIED', confidential: 'CONFIDENTIAL', 'strictly-confidential': 'STRICTLY CONFIDENTIAL' },
  },
  fr: {
    title: (country) => `Note de pays : ${country}`,
    preparedFor: (organisation, at) => `Établie pour ${organisation} le ${at} (UTC) : ce qu’elle voit dans Partner Hub.`,
    riskOverTime: 'Évolution du risque',
    noReadings: 'Aucune évaluation publiée de ce pays ne vous est visible.',
    matrix: 'Facteurs de risque par organisation (dernières évaluations)',
    factor: 'Facteur de risque',
    overall: 'Risque global',
    openAlerts: 'Alertes ouvertes',
    noAlerts: 'Aucune alerte ouverte.',
    actions: 'Actions recommandées',
    owner: 'Responsable',
    due: 'Échéance',
    acknowledged: 'Prise en compte par',
    issuedBy: (organisation, at) => `Émise par ${organisation}, ${at}`,
    documents: 'Documents',
    noDocuments: 'Aucun document.',
    page: (n, of) => `Page ${n} sur ${of}`,
    risk: ['Nul', 'Faible', 'Modéré', 'Élevé', 'Très élevé'],
    levels: { watch: 'Veille', warning: 'Avertissement', urgent: 'Urgence' },
    statuses: { open: 'Ouverte', 'in-progress': 'En cours', done: 'Faite', declined: 'Refusée' },
    classifications: { unclassified: 'NON CLASSIFIÉ', confidential: 'CONFIDENTIEL', 'strictly-confidential': 'STRICTEMENT CONFIDENTIEL' },
  },
  ar: {
    title: (country) => `موجز قطري: ${country}`,
    preparedFor: (organisation, at) => `أُعدّ لـ ${organisation} في ${at} (التوقيت العالمي): ما تطّلع عليه في Partner Hub.`,
    riskOverTime: 'تطوّر الخطر عبر الزمن',
    noReadings: 'لا يوجد تقييم منشور لهذا البلد متاح لك.',
    matrix: 'عوامل الخطر حسب المنظمة (أحدث التقييمات)',
    factor: 'عامل الخطر',
    overall: 'الخطر الإجمالي',
    openAlerts: 'التنبيهات المفتوحة',
    noAlerts: 'لا توجد تنبيهات مفتوحة.',
    actions: 'الإجراءات الموصى بها',
    owner: 'الجهة المسؤولة',
    due: 'الموعد',
    acknowledged: 'أقرّت بالاستلام',
    issuedBy: (organisation, at) => `أصدرته ${organisation}، ${at}`,
    documents: 'الوثائق',
    noDocuments: 'لا توجد وثائق.',
    page: (n, of) => `الصفحة ${n} من ${of}`,
    risk: ['لا يوجد', 'منخفض', 'متوسط', 'مرتفع', 'مرتفع جداً'],
    levels: { watch: 'مراقبة', warning: 'إنذار', urgent: 'عاجل' },
    statuses: { open: 'مفتوح', 'in-progress': 'قيد التنفيذ', done: 'منجز', declined: 'مرفوض' },
    classifications: { unclassified: 'غير مصنّف', confidential: 'سري', 'strictly-confidential': 'سري للغاية' },
  },
};
