import { Router, type Request } from 'express';
import type { Principal } from '../auth/principal.js';
import { auth } from '../auth/passport.js';
import { forbidden, HttpError } from '../http/errors.js';
import { toPage } from '../http/paging.js';
import { input, validate } from '../http/validate.js';
import { auditVisibleFilter, canVerifyAudit } from '../policies/audit.js';
import { presentAuditRecord } from '../presenters/audit.js';
import { actorOf, findAuditRecords, recordAudit, verifyAuditTrail, type AuditVerification } from '../services/audit.js';
import { ListAuditQuery, VerifyAuditQuery } from '../../shared/schemas/audit.js';

/** The audit trail (§9), mounted at /api/audit: the list and the chain check. */
export function auditRouter(): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListAuditQuery }), async (req, res) => {
    const visible = auditVisibleFilter(principalOf(req));
    if (!visible) throw forbidden('Only administrators may read the audit trail.');
    const query = input(req, 'query', ListAuditQuery);
    const records = await findAuditRecords(visible, query);
    res.json(toPage(records, query.limit, (record) => [record.seq], presentAuditRecord));
  });

  router.get('/verify', validate({ query: VerifyAuditQuery }), async (req, res) => {
    const principal = principalOf(req);
    if (!canVerifyAudit(principal)) {
      await recordVerify(principal, req.ip, 'denied');
      throw forbidden('Only the hub administrator may verify the audit trail.');
    }
    const result = await verifyAuditTrail();
    await recordVerify(principal, req.ip, 'success', result);
    res.json(result);
  });

  return router;
}

function principalOf(req: Request): Principal {
  if (!req.user) throw new HttpError('unauthenticated', 'Sign in to continue.');
  return req.user;
}

function recordVerify(principal: Principal, ip: string | undefined, outcome: 'success' | 'denied', result?: AuditVerification) {
  return recordAudit({
    actor: actorOf(principal),
    action: 'audit.verify',
    target: { type: 'audit', id: null, organisationId: null },
    ip: ip ?? null,
    outcome,
    details: result ? { ok: result.ok, checked: result.checked, firstBrokenId: result.firstBrokenId } : {},
  });
}
