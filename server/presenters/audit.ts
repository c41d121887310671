import type { AuditRecordDoc } from '../repositories/audit.js';
import type { AuditRecord } from '../../shared/schemas/audit.js';

/**
 * The fields of an audit record that leave the server; organisationIds stays inside, `ip` only if
 * `showIp`, the actor's name and the target's title only as far as `names` resolved them for the reader.
 */
export function presentAuditRecord(doc: AuditRecordDoc, showIp: boolean, names?: { actorName: string | null; targetTitle: string | null }): AuditRecord {
  return {
    id: doc.ref ?? String(doc._id),
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
    ...(names ? { actorName: names.actorName, targetTitle: names.targetTitle } : {}),
  };
}
