import type { CreateApiKeyBody, CreatedApiKey } from '../../../shared/schemas/apiKeys.js';
import { newApiKey } from '../../auth/apiKeys.js';
import type { Domain } from '../../domain.js';
import { notFound } from '../../http/errors.js';
import type { ApiKeyDoc } from '../../models/apiKey.js';
import { presentApiKey } from '../../presenters/apiKey.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';

type Signed = ActionContext & { principal: NonNullable<ActionContext['principal']> };

/** `POST /api/organisations/:id/api-keys`: a new key, shown in this answer only. */
export async function createApiKey(domain: Domain, ctx: Signed, organisationId: string, body: CreateApiKeyBody): Promise<CreatedApiKey> {
  const { key, hash, prefix } = newApiKey();
  const doc = await domain.repos.apiKeys.create({
    organisationId,
    createdBy: ctx.principal.user._id.toString(),
    name: body.name,
    role: body.role,
    hash,
    prefix,
    expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
  });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'apikey.create',
    target: { type: 'apikey', id: doc._id.toString(), organisationId },
    ip: ctx.ip,
    outcome: 'success',
    details: { name: body.name, role: body.role, prefix },
  });
  return { ...presentApiKey(doc), key };
}

/** The key of `id` (revoked keys are gone: 404). */
export async function findApiKey(domain: Domain, id: string): Promise<ApiKeyDoc> {
  const doc = await domain.repos.apiKeys.find(id);
  if (!doc || doc.revokedAt) throw notFound('API key');
  return doc;
}

/** `DELETE /api/api-keys/:id`: revoked, and refused by every process before this answers. */
export async function revokeApiKey(domain: Domain, ctx: Signed, doc: ApiKeyDoc): Promise<void> {
  await domain.repos.apiKeys.revoke(doc._id.toString());
  // The principal cache keeps a key's principal under its hash (auth/apiKeys.ts): drop it everywhere.
  await domain.principals.changed({ userId: doc.hash });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'apikey.revoke',
    target: { type: 'apikey', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { name: doc.name, prefix: doc.prefix },
  });
}
