import { createHash } from 'node:crypto';

export { GENESIS_HASH } from '../../repositories/audit.js';

/** The fields a record's hash covers, as loosely as they may read back from the database. */
export interface HashedFields {
  seq: number;
  at: Date;
  actor?: { userId?: string | null; organisationId?: string | null; apiKeyId?: string | null } | null;
  action: string;
  target?: { type?: string | null; id?: string | null; organisationId?: string | null } | null;
  ip?: string | null;
  outcome: string;
  details?: unknown;
  prevHash: string;
  /** A chosen id (AuditEntry.id); absent from the hashed content when the record has none. */
  ref?: string | null;
}

/** JSON with object keys sorted at every level, so equal content always gives equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // Stored as UTF-8, a string with a lone surrogate reads back with U+FFFD: hash it that way already.
  if (typeof value === 'string') return JSON.stringify(Buffer.from(value, 'utf8').toString('utf8'));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 (hex) of a record's content fields and prevHash: what `hash` must be. */
export function hashAuditRecord(record: HashedFields): string {
  const content = {
    seq: record.seq,
    at: record.at,
    // apiKeyId only when a key acted (undefined is left out), so records of people hash as they always did.
    actor: { userId: record.actor?.userId ?? null, organisationId: record.actor?.organisationId ?? null, apiKeyId: record.actor?.apiKeyId ?? undefined },
    action: record.action,
    target: { type: record.target?.type ?? null, id: record.target?.id ?? null, organisationId: record.target?.organisationId ?? null },
    ip: record.ip ?? null,
    outcome: record.outcome,
    details: record.details ?? {},
    prevHash: record.prevHash,
    ref: record.ref ?? undefined,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The organisations a record belongs to (its actor's and its target's), as stored in organisationIds. */
export function organisationIdsOf(actor: { organisationId?: string | null }, target: { organisationId?: string | null }): string[] {
  const ids = [actor.organisationId, target.organisationId].filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)];
}
