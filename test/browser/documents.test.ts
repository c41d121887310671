import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createOrganisation, createUser } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { ensureBuilt, hasChromium, launch, LOCALES, openPage, screenshot, signIn, switchLanguage } from './browser.js';

const unique = () => randomBytes(3).toString('hex');
// i18n.t() isolates names inside sentences with FSI…PDI; compare the words only.
const plain = (text: string) =>
  text
    .replace(/[\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const message = async (locale: string, key: string) =>
  (JSON.parse(await readFile(path.join(ROOT, 'client', 'src', 'lib', 'i18n', `${locale}.json`), 'utf8')) as Record<string, string>)[key]!;

/** A small but real PDF: the hub decides the type from the bytes (`%PDF-`). */
function pdfBytes(): Buffer {
  const body =
    `%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Partner Hub browser test ${unique()}\n` + 'x'.repeat(64 * 1024) + '\ntrailer << /Root 1 0 R >>\n%%EOF\n';
  return Buffer.from(body, 'latin1');
}

async function open(browser: Browser) {
  const opened = await openPage(browser);
  opened.page.setDefaultTimeout(60_000);
  return opened;
}

async function chooseFile(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('file-drop-input').setInputFiles({ name, mimeType, buffer });
  await page.getByTestId('file-drop-name').getByText(name).waitFor();
}

describe('browser: document library', function () {
  this.timeout(240_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  it('an analyst uploads a PDF shared with one partner (progress to the end); the partner member sees it and downloads the same bytes; an HTML file is refused in words', async () => {
    const [owner, partner, bystander] = await Promise.all([
      createOrganisation({ name: `Sahel Watch ${unique()}` }),
      createOrganisation({ name: `ECOWAS Early Warning ${unique()}`, kind: 'subregional' }),
      createOrganisation({ name: `Bystander ${unique()}` }),
    ]);
    const [analyst, member] = await Promise.all([createUser(owner.id, 'analyst'), createUser(partner.id, 'member')]);
    const title = `Kenya field report ${unique()}`;
    const bytes = pdfBytes();

    // The analyst uploads.
    const a = await open(browser);
    await signIn(a.page, analyst);
    await a.page.getByTestId('nav-documents').click();
    await a.page.getByTestId('document-new').click();
    await chooseFile(a.page, 'kenya-report.pdf', 'application/pdf', bytes);
    await a.page.getByTestId('upload-title').fill(title);
    await a.page.getByTestId('upload-country').selectOption('KEN');
    await a.page.getByTestId('classification-confidential').check();
    await a.page.getByTestId('scope-selected').check();
    await a.page.getByTestId(`share-with-${partner.slug}`).check();
    const sentence = a.page.getByTestId('sharing-sentence');
    await sentence.getByText(partner.name).waitFor();
    expect(plain(await sentence.innerText())).to.contain(`Visible to: your organisation, the Office and ${partner.name}.`);
    expect(await sentence.innerText()).not.to.contain(bystander.name);
    await a.page.getByTestId('upload-submit').click();
    await a.page.getByTestId('document-uploaded').waitFor();
    const progress = a.page.getByTestId('upload-progress');
    expect(await progress.getAttribute('value')).to.equal('100');
    expect(await progress.getAttribute('max')).to.equal('100');
    const row = a.page.getByTestId('document-row').filter({ hasText: title });
    await row.waitFor();
    expect(await row.innerText()).to.contain('kenya-report.pdf');
    expect(await row.innerText()).to.contain('PDF');
    await screenshot(a.page, 'en-documents-upload-done');

    // A refused type: said in words as soon as the file is chosen, nothing sent (in French, to prove it is translated).
    await switchLanguage(a.page, 'fr');
    await chooseFile(a.page, 'page.html', 'text/html', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'));
    const refused = a.page.getByTestId('file-drop-error');
    await refused.waitFor();
    expect(await refused.innerText()).to.contain(await message('fr', 'document_error_type'));
    await screenshot(a.page, 'fr-documents-upload-refused');
    await switchLanguage(a.page, 'en');
    await a.page.getByTestId('document-new').click(); // closes the form for the library screenshots

    // Screenshots: the library and the document page in every language.
    await a.page.getByTestId('document-row-title').filter({ hasText: title }).click();
    await a.page.getByTestId('document-title').getByText(title).waitFor();
    await a.page.getByTestId('document-version-row').first().waitFor();
    expect(plain(await a.page.getByTestId('document-audience').innerText())).to.contain(`Visible to: your organisation, the Office and ${partner.name}.`);
    const documentUrl = a.page.url();
    for (const locale of LOCALES) {
      await switchLanguage(a.page, locale);
      await a.page.goto(`${baseUrl()}/documents`);
      await a.page.getByTestId('document-row').first().waitFor();
      await screenshot(a.page, `${locale}-documents-library`);
      await a.page.goto(documentUrl);
      await a.page.getByTestId('document-version-row').first().waitFor();
      await screenshot(a.page, `${locale}-document-page`);
    }
    await a.page.getByTestId('document-edit').click();
    await a.page.getByTestId('sharing-dialog').waitFor();
    await screenshot(a.page, 'ar-document-sharing-dialog');
    await a.page.getByTestId('sharing-cancel').click();
    expect(a.errors).to.deep.equal([]);
    await a.context.close();

    // The partner's member sees it and downloads the very same bytes.
    const m = await open(browser);
    await signIn(m.page, member);
    await m.page.getByTestId('nav-documents').click();
    await m.page.getByTestId('document-row-title').filter({ hasText: title }).click();
    await m.page.getByTestId('document-version-row').first().waitFor();
    expect(await m.page.getByTestId('document-edit').count()).to.equal(0);
    const [download] = await Promise.all([m.page.waitForEvent('download'), m.page.getByTestId('document-download').click()]);
    expect(download.suggestedFilename()).to.equal('kenya-report.pdf');
    const saved = await readFile((await download.path())!);
    expect(Buffer.compare(saved, bytes)).to.equal(0);
    const [again] = await Promise.all([m.page.waitForEvent('download'), m.page.getByTestId('document-version-download-1').click()]);
    expect(Buffer.compare(await readFile((await again.path())!), bytes)).to.equal(0);
    expect(m.errors).to.deep.equal([]);
    await m.context.close();
  });
});
