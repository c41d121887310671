import { Router } from 'express';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { forbidden } from '../http/errors.js';
import { toPage } from '../http/paging.js';
import { input, validate } from '../http/validate.js';
import { auditVisibleFilter, canSeeAuditIp, canVerifyAudit } from '../policies/audit.js';
import { presentAuditRecord } from '../presenters/audit.js';
import { auditNames, auditSettled, findAuditRecords, recordAudit, verifyAuditTrail, type AuditVerification } from '../services/audit.js';
import { actorOf, contextOf, type ActionContext } from '../services/context.js';
import { ListAuditQuery, VerifyAuditQuery } from '../../shared/schemas/audit.js';

/** The audit trail (§9), mounted at /api/audit: the list and the check of the whole chain. */
export function auditRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListAuditQuery }), async (req, res) => {
    const visible = auditVisibleFilter(principalOf(req));
    if (!visible) throw forbidden('Only administrators may read the audit trail.');
    const query = input(req, 'query', ListAuditQuery);
    await auditSettled();
    const records = await findAuditRecords(visible, query);
    const reader = principalOf(req);
    const names = query.names === '1' ? await auditNames(domain, reader, records.slice(0, query.limit)) : null;
    res.json(
      toPage(
        records,
        query.limit,
        (record) => [record.seq],
        (record) => presentAuditRecord(record, canSeeAuditIp(reader, record.actor?.organisationId), names?.get(record)),
      ),
    );
  });

  router.get('/verify', validate({ query: VerifyAuditQuery }), async (req, res) => {
    const ctx = contextOf(req);
    if (!canVerifyAudit(principalOf(req))) {
      await recordVerify(ctx, 'denied');
      throw forbidden('Only the hub administrator may verify the audit trail.');
    }
    await auditSettled();
    const result = await verifyAuditTrail();
    await recordVerify(ctx, 'success', result);
    res.json(result);
  });

  return router;
}

function recordVerify(ctx: ActionContext, outcome: 'success' | 'denied', result?: AuditVerification): Promise<void> {
  return recordAudit({
    actor: actorOf(ctx),
    action: 'audit.verify',
    target: { type: 'audit', id: null, organisationId: null },
    ip: ctx.ip,
    outcome,
    details: result ? { ok: result.ok, checked: result.checked, firstBrokenId: result.firstBrokenId } : undefined,
  });
}
