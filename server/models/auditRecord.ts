/** How an audited action ended. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;

/** One link of the tamper-evident audit chain (§9) as stored; written once, never updated. */
export interface AuditRecordDoc {
  /** auditRecordId(seq). */
  _id: string;
  /** 1, 2, 3… without gaps; inserting the record (its unique `_id`) is how a writer claims the number. */
  seq: number;
  at: Date;
  actor: { userId: string | null; organisationId: string | null; apiKeyId?: string };
  action: string;
  target: { type: string; id: string | null; organisationId: string | null };
  ip: string | null;
  outcome: string;
  details: Record<string, unknown>;
  /** The actor's and the target's organisation, so an organisation admin's list is one equality filter. */
  organisationIds: string[];
  prevHash: string;
  hash: string;
  /** The id chosen before the record was written (a stamped download's), presented as `id`; hashed. */
  ref?: string;
}

/** The `_id` of the record at `seq`: the seq itself, zero-padded (the presented `id`). */
export const auditRecordId = (seq: number) => `a${String(seq).padStart(12, '0')}`;

/** `prevHash` of record 1. */
export const GENESIS_HASH = '0'.repeat(64);

// Where records live (repositories/audit.ts): blocks of 1,000 records, one collection per block
// (`auditrecords_<block>`, store/blockLog.ts); records written before blocks existed stay in
// `auditrecords` (the legacy collection, read-only). Backups and restores name them too (ops/).
export const LEGACY_AUDIT_COLLECTION = 'auditrecords';
/** `auditrecords_<block>`. */
export const AUDIT_BLOCK = /^auditrecords_(\d+)$/;

/** The name of a block's collection. */
export const auditBlockName = (block: number) => `auditrecords_${block}`;
