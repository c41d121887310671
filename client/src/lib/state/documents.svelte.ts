/** The document library: its filters, the rows loaded so far and "load more" paging; one document's page. */
import { DOCUMENT_TYPES } from '../../../../shared/documentTypes.js';
import type { SharingScope } from '../../../../shared/sharing.js';
import { api, type DocumentQuery, type DocumentWithVersions, type HubDocument, type ItemCard } from '../api.js';
import { errorKey } from '../errors.js';
import { directory } from './directory.svelte.js';
import { noPlaceFilters, placeFiltersFrom, placeQuery, type PlaceFilters } from '../listFilters.js';
import type { I18n, MessageKey } from './i18n.svelte.js';
import { PagedList } from './pagedList.svelte.js';

/** The filters as the form holds them (empty string: any). */
export interface DocumentFilterValues extends PlaceFilters {
  type: string;
}

const PAGE_SIZE = 25;
const KINDS = new Set<string>(DOCUMENT_TYPES.map((t) => t.kind));

/** No filter at all. */
export function noDocumentFilters(): DocumentFilterValues {
  return { ...noPlaceFilters(), type: '' };
}

/** Filters from an address such as `?country=KEN&type=pdf`. */
export function documentFiltersFrom(search: string): DocumentFilterValues {
  const params = new URLSearchParams(search);
  const type = params.get('type') ?? '';
  return { ...placeFiltersFrom(params), type: KINDS.has(type) ? type : '' };
}

function toQuery(values: DocumentFilterValues): DocumentQuery {
  return { ...placeQuery(values), type: values.type || undefined };
}

/** State of the library page (and, with a fixed country, of a country's documents). */
export class DocumentList extends PagedList<HubDocument | ItemCard, DocumentFilterValues> {
  constructor(pageSize = PAGE_SIZE) {
    super({ fetch: (values, request) => api.documents({ ...toQuery(values), ...request }), empty: noDocumentFilters, pageSize });
  }

  /** Puts a just-uploaded document at the top. */
  prepend(doc: HubDocument): void {
    this.items = [doc, ...this.items.filter((d) => d.id !== doc.id)];
  }
}

/** State of one document's page. */
export class DocumentView {
  doc = $state.raw<DocumentWithVersions | null>(null);
  /** What a reader who may not read a discoverable document sees of it (§13). */
  card = $state.raw<ItemCard | null>(null);
  loading = $state(true);
  failure = $state<MessageKey | null>(null);

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    this.loading = true;
    this.failure = null;
    try {
      const read = await api.documentOrCard(this.id);
      if ('restricted' in read) this.card = read;
      else {
        directory.putNames(read.names);
        this.doc = read;
      }
    } catch (error) {
      this.failure = errorKey(error);
    } finally {
      this.loading = false;
    }
  }
}

/** What keeps a document's details from being sent, by field: no title, or "selected partners" with none chosen. */
export function detailErrors(i18n: I18n, details: { title: string; scope: SharingScope; organisations: string[] }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!details.title.trim()) errors.title = i18n.t('document_error_title');
  if (details.scope === 'selected' && details.organisations.length === 0) errors.sharing = i18n.t('document_error_partners');
  return errors;
}

/** Messages for failed uploads: what the person can do about it. */
export const UPLOAD_ERRORS = {
  payload_too_large: 'document_error_too_large',
  unsupported_media_type: 'document_error_type',
  invalid_request: 'document_error_invalid',
} as const satisfies Record<string, MessageKey>;

/** A size in bytes as the reader's language writes it ("1.2 MB", "1,2 Mo"). */
export function fileSize(i18n: I18n, bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(i18n.locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** The short, translated name of a content type ("PDF", "Word document"). */
export function typeLabel(i18n: I18n, contentType: string): string {
  const kind = DOCUMENT_TYPES.find((t) => t.contentType === contentType)?.kind;
  return kind ? i18n.t(`doctype_${kind}` as MessageKey) : contentType;
}

/** What the file input accepts (a hint for the picker; the hub decides from the bytes). */
export const ACCEPT = [...DOCUMENT_TYPES.map((t) => `.${t.extension}`), '.jpeg', ...DOCUMENT_TYPES.map((t) => t.contentType)].join(',');

const EXTENSIONS = new Set<string>([...DOCUMENT_TYPES.map((t) => t.extension), 'jpeg']);

/** The largest file the hub takes (GET /api/documents/limits), asked once; null until known. */
class FileLimits {
  maxFileBytes = $state<number | null>(null);
  #asked = false;

  load(): void {
    if (this.#asked) return;
    this.#asked = true;
    api.documentLimits().then(
      (limits) => (this.maxFileBytes = limits.maxFileBytes),
      () => (this.#asked = false),
    );
  }
}

export const fileLimits = new FileLimits();

/**
 * What is wrong with a file the person just chose, before anything is sent: empty, a type the hub
 * refuses (by its extension; the hub decides again from the bytes), or larger than the hub takes.
 */
export function fileProblem(i18n: I18n, file: File): string | null {
  if (file.size === 0) return i18n.t('document_error_empty');
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  if (!EXTENSIONS.has(extension)) return i18n.t('document_error_type');
  const max = fileLimits.maxFileBytes;
  if (max !== null && file.size > max) return i18n.t('document_error_larger_than', { max: fileSize(i18n, max) });
  return null;
}
