import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const PDFJS = path.join(ROOT, 'node_modules', 'pdfjs-dist', 'build');
const ORIGIN = 'http://pdf.test';

/**
 * A page of headless Chromium that renders PDFs with pdf.js (pdfjs-dist, a dev dependency) onto a
 * canvas, served from a made-up origin so modules and the worker load as they would from a site.
 */
export async function pdfPage(browser: Browser, files: Record<string, { body: Buffer; type: string }>): Promise<Page> {
  const page = await browser.newPage();
  const served: Record<string, { body: Buffer; type: string }> = {
    '/index.html': { body: Buffer.from('<!doctype html><meta charset="utf-8"><body style="margin:0;background:#fff"></body>'), type: 'text/html' },
    '/pdf.mjs': { body: readFileSync(path.join(PDFJS, 'pdf.min.mjs')), type: 'text/javascript' },
    '/pdf.worker.mjs': { body: readFileSync(path.join(PDFJS, 'pdf.worker.min.mjs')), type: 'text/javascript' },
    ...files,
  };
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = served[new URL(route.request().url()).pathname];
    return file ? route.fulfill({ status: 200, body: file.body, contentType: file.type }) : route.fulfill({ status: 404, body: '' });
  });
  await page.goto(`${ORIGIN}/index.html`);
  return page;
}

// Runs in the page (DOM types are not the server's): pdf.js draws one page on a white canvas.
const RENDER_IN_PAGE = `async ({ bytes, pageNumber, scale }) => {
  const pdfjs = await import('/pdf.mjs');
  pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs';
  const doc = await pdfjs.getDocument({ data: Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0)) }).promise;
  const pdfPage = await doc.getPage(pageNumber);
  const viewport = pdfPage.getViewport({ scale });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(viewport.width);
  canvas.height = Math.ceil(viewport.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  await pdfPage.render({ canvasContext: context, viewport, canvas }).promise;
  return canvas.toDataURL('image/png');
}`;

/** Renders page `pageNumber` of `pdf` at `scale` (1 = 72 dpi) and answers it as PNG bytes. */
export async function renderPdfPage(page: Page, pdf: Buffer, pageNumber = 1, scale = 2): Promise<Buffer> {
  const dataUrl = await page.evaluate(`(${RENDER_IN_PAGE})(${JSON.stringify({ bytes: pdf.toString('base64'), pageNumber, scale })})`);
  if (typeof dataUrl !== 'string') throw new Error('pdf.js rendered nothing');
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}
