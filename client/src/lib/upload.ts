/**
 * Document uploads with real progress (XMLHttpRequest: fetch reports no upload progress) and downloads
 * that carry the Bearer token (fetch → blob → a temporary `<a download>`), both for contract §7.
 */
import type { Classification, Sharing, TlpLevel } from '../../../shared/sharing.js';
import { api, ApiError, type HubDocument } from './api.js';

/** Bytes sent so far out of the total (the whole multipart body). */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface NewDocumentFields {
  title: string;
  classification: Classification;
  sharing: Sharing;
  country: string;
  /** §13: what recipients may pass on, and whether others see the document's card. */
  tlp: TlpLevel;
  discoverable: boolean;
}

/** A running upload: its outcome and a way to stop it. */
export interface Upload {
  done: Promise<HubDocument>;
  abort: () => void;
}

function send(path: string, form: () => FormData, onprogress: (progress: UploadProgress) => void): Upload {
  let xhr: XMLHttpRequest | null = null;
  let aborted = false;
  const once = (token: string | null) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = new XMLHttpRequest();
      xhr = request;
      request.open('POST', path);
      request.setRequestHeader('accept', 'application/json');
      if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onprogress({ loaded: event.loaded, total: event.total });
      };
      request.onload = () => resolve({ status: request.status, text: request.responseText });
      request.onerror = () => resolve({ status: 0, text: '' });
      request.onabort = () => reject(new ApiError(0, 'network', 'aborted'));
      request.send(form());
    });
  const done = (async () => {
    const token = await api.accessToken();
    let answer = await once(token);
    if (answer.status === 401 && !aborted) {
      const renewed = await api.renewedToken(token);
      if (renewed) answer = await once(renewed);
    }
    if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text) as HubDocument;
    throw api.errorOf(answer.status, answer.text);
  })();
  return {
    done,
    abort: () => {
      aborted = true;
      (xhr as XMLHttpRequest | null)?.abort();
    },
  };
}

/** POST /api/documents: the text fields first, the file last (the hub streams it). */
export function uploadDocument(fields: NewDocumentFields, file: File, onprogress: (progress: UploadProgress) => void): Upload {
  return send(
    '/api/documents',
    () => {
      const form = new FormData();
      form.append('title', fields.title);
      form.append('classification', fields.classification);
      form.append('sharing', JSON.stringify(fields.sharing));
      form.append('country', fields.country);
      form.append('tlp', fields.tlp);
      form.append('discoverable', String(fields.discoverable));
      form.append('file', file, file.name);
      return form;
    },
    onprogress,
  );
}

/** POST /api/documents/:id/versions: a new version of the file. */
export function uploadVersion(id: string, file: File, onprogress: (progress: UploadProgress) => void): Upload {
  return send(
    `/api/documents/${encodeURIComponent(id)}/versions`,
    () => {
      const form = new FormData();
      form.append('file', file, file.name);
      return form;
    },
    onprogress,
  );
}

/** The file name of a Content-Disposition header (RFC 6266 `filename*` first, UTF-8 names included). */
export function dispositionFilename(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/i.exec(header);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
  return name || fallback;
}

async function fetchContent(path: string, token: string | null): Promise<Response> {
  try {
    return await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The hub could not be reached.');
  }
}

/** Downloads a document (the latest version, or `version`) and hands it to the browser as a file. */
export function downloadDocument(id: string, fallbackName: string, version?: number): Promise<void> {
  const path =
    version === undefined ? `/api/documents/${encodeURIComponent(id)}/content` : `/api/documents/${encodeURIComponent(id)}/versions/${version}/content`;
  return downloadFile(path, fallbackName);
}

/** Downloads the country brief (§12) as PDF in `lang`. */
export function downloadBrief(code: string, lang: string): Promise<void> {
  return downloadFile(`/api/countries/${encodeURIComponent(code)}/brief.pdf?lang=${encodeURIComponent(lang)}`, `brief-${code}-${lang}.pdf`);
}

/** Downloads what an API path answers (a room's transcript, say) and hands it to the browser as a file. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const token = await api.accessToken();
  let res = await fetchContent(path, token);
  if (res.status === 401) {
    const renewed = await api.renewedToken(token);
    if (renewed) res = await fetchContent(path, renewed);
  }
  if (!res.ok) throw api.errorOf(res.status, await res.text().catch(() => ''));
  const name = dispositionFilename(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start saving before the bytes are let go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
