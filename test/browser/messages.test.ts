import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const CLIENT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'client', 'src');
const read = (locale: string) => JSON.parse(readFileSync(path.join(CLIENT, 'lib', 'i18n', `${locale}.json`), 'utf8')) as Record<string, string>;
const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : /\.(svelte|ts)$/.test(name) ? [file] : [];
  });
}

describe('web app: messages in three languages', () => {
  const en = read('en');
  const translations = { fr: read('fr'), ar: read('ar') };

  it('has every English message in French and Arabic, with the same placeholders', () => {
    for (const [locale, messages] of Object.entries(translations)) {
      expect(Object.keys(messages).sort(), locale).to.deep.equal(Object.keys(en).sort());
      for (const [key, text] of Object.entries(en)) {
        expect(messages[key]?.trim(), `${locale} ${key}`).to.be.a('string').and.not.equal('');
        expect(placeholders(messages[key]!), `${locale} ${key}`).to.equal(placeholders(text));
      }
    }
  });

  it('writes Arabic messages in Arabic (no Latin words but technical names such as IP or PDF)', () => {
    // Names of formats and standards are written in Latin letters in Arabic too.
    const technical = new Set([
      'IP',
      'PDF',
      'Word',
      'Excel',
      'PowerPoint',
      'DOCX',
      'XLSX',
      'PPTX',
      'ODT',
      'ODS',
      'CSV',
      'PNG',
      'JPEG',
      'SHA',
      'OpenDocument',
      // Machine access (§14): a format, a file name, a scheme and the import's column names stay as written.
      'OpenAPI',
      'openapi',
      'JSON',
      'json',
      'csv',
      'https',
      'Bearer',
      'riskFactors',
      'sharing',
    ]);
    const latin = Object.entries(translations.ar)
      .map(([key, text]) => [key, (text.replace(/\{\w+\}/g, '').match(/[A-Za-z]{2,}/g) ?? []).filter((word) => !technical.has(word))] as const)
      .filter(([, words]) => words.length > 0);
    expect(latin).to.deep.equal([]);
  });

  it('uses only keys that exist (literal keys in the components and modules)', () => {
    const families = new Set(Object.keys(en).map((key) => key.split('_')[0]));
    // Error codes of the contract look like keys but are not.
    const codes = new Set([
      'invalid_request',
      'mfa_required',
      'mfa_enrolment_required',
      'not_found',
      'payload_too_large',
      'unsupported_media_type',
      'rate_limited',
    ]);
    const unknown: string[] = [];
    for (const file of sources(CLIENT)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'([a-z][a-z0-9]*_[a-z0-9_]+)'/g)) {
        const key = match[1]!;
        if (families.has(key.split('_')[0]!) && !codes.has(key) && !(key in en)) unknown.push(`${path.relative(CLIENT, file)}: ${key}`);
      }
    }
    expect(unknown).to.deep.equal([]);
  });

  it('hard-codes no visible English in components (text between tags goes through t())', () => {
    const offenders: string[] = [];
    for (const file of sources(CLIENT).filter((name) => name.endsWith('.svelte'))) {
      const markup = readFileSync(file, 'utf8')
        .replace(/<script[\s\S]*?<\/script>/g, '')
        .replace(/<style[\s\S]*?<\/style>/g, '');
      for (const match of markup.matchAll(/>([^<>{}]*[A-Za-z]{2,}[^<>{}]*)</g)) offenders.push(`${path.relative(CLIENT, file)}: ${match[1]!.trim()}`);
    }
    expect(offenders).to.deep.equal([]);
  });
});
