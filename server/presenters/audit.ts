import type { AuditRecordDoc } from '../repositories/audit.js';
import type { AuditRecord } from '../../shared/schemas/audit.js';

/** The fields of an audit record that leave the server; organisationIds stays inside, `ip` only if `showIp`. */
export function presentAuditRecord(doc: AuditRecordDoc, showIp: boolean): AuditRecord {
  return {
    id: String(doc._id),
    seq: doc.seq,
    at: doc.at.toISOString(),
    actor: {
      userId: doc.actor?.userId ?? null,
      organisationId: doc.actor?.organisationId ?? null,
      ...(doc.actor?.apiKeyId ? { apiKeyId: doc.actor.apiKeyId } : {}),
    },
    action: doc.action,
    target: { type: doc.target?.type ?? '', id: doc.target?.id ?? null, organisationId: doc.target?.organisationId ?? null },
    ip: showIp ? (doc.ip ?? null) : null,
    outcome: doc.outcome as AuditRecord['outcome'],
    details: (doc.details ?? {}) as AuditRecord['details'],
    hash: doc.hash,
    prevHash: doc.prevHash,
  };
}
