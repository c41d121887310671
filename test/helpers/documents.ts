import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { csv, docx, jpeg, odt, ods, pdf, png, pptx, text, xlsx, zip } from '../../server/demo/documentFiles.js';
import { baseUrl } from './hub.js';
import type { Answer } from './http.js';

/** A file to upload. */
export interface TestFile {
  name: string;
  bytes: Buffer;
  /** What the client claims; the hub ignores it. */
  type?: string;
}

/** The text fields of an upload; objects are sent as JSON text. */
export type Fields = Record<string, string | object | undefined>;

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A valid upload's fields, with `overrides` (undefined drops a field). */
export function documentFields(overrides: Fields = {}): Fields {
  return { title: 'Field report', classification: 'confidential', sharing: { scope: 'organisation', organisations: [] }, country: 'KEN', ...overrides };
}

function form(fields: Fields, file: TestFile | null): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    body.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  if (file) body.append('file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  return body;
}

async function send(url: string, token: string | undefined, body: FormData): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body });
  const raw = await res.text();
  const parsed: unknown = (res.headers.get('content-type') ?? '').includes('application/json') && raw ? JSON.parse(raw) : raw;
  return { status: res.status, body: parsed as Answer['body'], headers: res.headers };
}

/** `POST /api/documents` with `fields` then `file` (multipart, through fetch/FormData). */
export function uploadDocument(token: string | undefined, file: TestFile | null, fields: Fields = documentFields(), base = baseUrl()): Promise<Answer> {
  return send(`${base}/api/documents`, token, form(fields, file));
}

/** `POST /api/documents/:id/versions` with `file`. */
export function uploadVersion(token: string | undefined, id: string, file: TestFile | null, fields: Fields = {}, base = baseUrl()): Promise<Answer> {
  return send(`${base}/api/documents/${id}/versions`, token, form(fields, file));
}

/** What a download gave: the answer, and its bytes or the error that cut it. */
export interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer | null;
  error: Error | null;
  json: { error?: { code: string } } | null;
}

/** GETs content and reads the whole body, reporting a cut connection as `error` instead of throwing. */
export async function download(token: string, urlPath: string, base = baseUrl()): Promise<Download> {
  let res: Response;
  try {
    res = await fetch(`${base}${urlPath}`, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    // Cut before the headers arrived.
    return { status: 0, headers: new Headers(), bytes: null, error: error as Error, json: null };
  }
  try {
    const bytes = Buffer.from(await res.arrayBuffer());
    const json = (res.headers.get('content-type') ?? '').includes('application/json') ? (JSON.parse(bytes.toString('utf8')) as Download['json']) : null;
    return { status: res.status, headers: res.headers, bytes, error: null, json };
  } catch (error) {
    return { status: res.status, headers: res.headers, bytes: null, error: error as Error, json: null };
  }
}

/** One small valid file of every accepted type, with the content type the hub must detect. */
export function sampleFiles(marker = 'sample'): { kind: string; contentType: string; file: TestFile }[] {
  return [
    { kind: 'pdf', contentType: 'application/pdf', file: { name: 'report.pdf', bytes: pdf(['Report', marker]) } },
    {
      kind: 'docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      file: { name: 'communique.docx', bytes: docx(['Communique', marker]) },
    },
    {
      kind: 'xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      file: {
        name: 'data.xlsx',
        bytes: xlsx([
          ['a', 1],
          [marker, 2],
        ]),
      },
    },
    {
      kind: 'pptx',
      contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      file: { name: 'briefing.pptx', bytes: pptx('Briefing', marker) },
    },
    { kind: 'odt', contentType: 'application/vnd.oasis.opendocument.text', file: { name: 'plan.odt', bytes: odt(['Plan', marker]) } },
    {
      kind: 'ods',
      contentType: 'application/vnd.oasis.opendocument.spreadsheet',
      file: {
        name: 'matrix.ods',
        bytes: ods([
          ['x', 1],
          [marker, 2],
        ]),
      },
    },
    { kind: 'text', contentType: 'text/plain', file: { name: 'notes.txt', bytes: text(`Notes\n${marker}\nÉlections, انتخابات.\n`) } },
    {
      kind: 'csv',
      contentType: 'text/csv',
      file: {
        name: 'figures.csv',
        bytes: csv([
          ['county', 'level'],
          ['Nakuru', 2],
          [marker, 3],
        ]),
      },
    },
    { kind: 'png', contentType: 'image/png', file: { name: 'map.png', bytes: png(40, 20) } },
    { kind: 'jpeg', contentType: 'image/jpeg', file: { name: 'photo.jpg', bytes: jpeg(90) } },
  ];
}

/** Files that must be refused (415), disguised as accepted types by name and declared type. */
export function refusedFiles(): { why: string; file: TestFile }[] {
  const pe = Buffer.concat([
    Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'),
    Buffer.alloc(64),
    Buffer.from('This program cannot be run in DOS mode.'),
  ]);
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
  return [
    { why: 'a Windows executable named .pdf', file: { name: 'report.pdf', bytes: pe, type: 'application/pdf' } },
    { why: 'an ELF executable named .txt', file: { name: 'notes.txt', bytes: elf, type: 'text/plain' } },
    {
      why: 'HTML named .txt',
      file: { name: 'notes.txt', bytes: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'), type: 'text/plain' },
    },
    { why: 'HTML after some white space', file: { name: 'page.csv', bytes: Buffer.from('\n\n   <html><body>hi</body></html>') } },
    {
      why: 'SVG named .png',
      file: { name: 'map.png', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'), type: 'image/png' },
    },
    { why: 'SVG with an XML declaration', file: { name: 'map.txt', bytes: Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>') } },
    {
      why: 'a plain zip named .docx',
      file: {
        name: 'communique.docx',
        bytes: zip([
          { name: 'readme.txt', data: 'hello' },
          { name: 'data/file.bin', data: 'x' },
        ]),
      },
    },
    {
      why: 'a zip with random names named .xlsx',
      file: {
        name: 'data.xlsx',
        bytes: zip([
          { name: 'a8f3.xml', data: '<a/>' },
          { name: 'q/z9', data: 'zz' },
        ]),
      },
    },
    {
      why: 'a macro-enabled Word document',
      file: {
        name: 'macro.docx',
        bytes: zip([
          { name: '[Content_Types].xml', data: '<Types/>' },
          { name: 'word/document.xml', data: '<w/>' },
          { name: 'word/vbaProject.bin', data: 'vba' },
        ]),
      },
    },
    {
      why: 'an EPUB (a zip with another mimetype)',
      file: {
        name: 'book.odt',
        bytes: zip([
          { name: 'mimetype', data: 'application/epub+zip', store: true },
          { name: 'content.opf', data: '<package/>' },
        ]),
      },
    },
    { why: 'a gzip archive', file: { name: 'data.csv', bytes: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0x03, 0x00]) } },
    { why: 'a GIF image', file: { name: 'map.png', bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!', 'latin1') } },
    { why: 'a shell script named .txt', file: { name: 'run.txt', bytes: Buffer.from('#!/bin/sh\nrm -rf /\n') } },
    { why: 'UTF-16 text (NUL bytes)', file: { name: 'notes.txt', bytes: Buffer.from('\ufeffhello', 'utf16le') } },
    { why: 'invalid UTF-8', file: { name: 'notes.txt', bytes: Buffer.from([0x68, 0x69, 0xc3, 0x28, 0x0a]) } },
  ];
}

/** Every file under `dir` (recursively); none when it does not exist. */
export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * Starts an upload with node:http, sends the fields and `sendBytes` bytes of a `totalBytes` file,
 * then destroys the request (a client that goes away mid-upload). Resolves once it is destroyed.
 */
export async function abortedUpload(token: string, fields: Fields, sendBytes: number, totalBytes: number, base = baseUrl()): Promise<void> {
  const boundary = `----hubtest${Date.now()}`;
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${typeof value === 'string' ? value : JSON.stringify(value)}\r\n`,
    )
    .join('');
  const head = Buffer.from(`${parts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(`${base}/api/documents`);
  await new Promise<void>((resolve) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + totalBytes + tail.length),
      },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(head);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < sendBytes) {
        const n = Math.min(chunk.length, sendBytes - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) return req.once('drain', pump);
      }
      // Let the hub receive what was sent, then go away without finishing.
      setTimeout(() => req.destroy(), 300);
    };
    pump();
  });
}
