// The audit trail (§9): a hash chain appended by every process of the hub, kept in blocks of records
// (models/auditRecord.ts). The parts live in ./audit/: the append path (chain.ts), the head hint and
// the turn-taking between processes (head.ts), records from before blocks (legacy.ts), the check of
// the whole chain (verify.ts) and the paged list (list.ts).
export { auditSettled, queueAudit, recordAudit, type AuditEntry } from './audit/chain.js';
export { canonicalJson, GENESIS_HASH, hashAuditRecord, type HashedFields } from './audit/hash.js';
export { findAuditRecords } from './audit/list.js';
export { verifyAuditTrail, type AuditVerification } from './audit/verify.js';
