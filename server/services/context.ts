import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';

/** Who acts and from where: what every service needs for authorization and the audit trail. */
export interface ActionContext {
  principal: Principal | null;
  ip: string | null;
  userAgent: string | null;
}

/** The context of an HTTP request (after auth(), if the route has it). */
export function contextOf(req: Request): ActionContext {
  return { principal: req.user ?? null, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** The audit trail's `actor` for a context. */
export function actorOf(ctx: ActionContext) {
  const p = ctx.principal;
  if (!p) return { userId: null, organisationId: null };
  const actor = { userId: p.user._id.toString(), organisationId: p.organisation._id.toString() };
  // A key acting (§14) is named as such: its id is both `userId` and `apiKeyId`.
  return p.apiKeyId ? { ...actor, apiKeyId: p.apiKeyId } : actor;
}

/** The `actor` of a notification (§11): who acted, by name and organisation. */
export function actorView(p: Principal) {
  return { id: p.user._id.toString(), name: p.user.name, organisationId: p.organisation._id.toString() };
}
