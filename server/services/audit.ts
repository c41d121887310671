// The audit trail (§9): a hash chain appended by every process of the hub. Appending is
// ./audit/commands.ts, the list and the check of the whole chain ./audit/queries.ts, the hash
// ./audit/hash.ts; how records are stored (blocks, head, legacy) is repositories/audit.ts.
export { auditSettled, queueAudit, recordAudit, type AuditEntry } from './audit/commands.js';
export { GENESIS_HASH, hashAuditRecord, type HashedFields } from './audit/hash.js';
export { findAuditRecords, verifyAuditTrail, type AuditVerification } from './audit/queries.js';
export { auditNames } from './audit/names.js';
