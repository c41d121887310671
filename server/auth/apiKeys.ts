import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '../../shared/schemas/apiKeys.js';
import type { ApiKeyDoc } from '../models/apiKey.js';
import type { UserDoc } from '../models/user.js';
import type { Repositories } from '../repositories/index.js';
import type { Principal } from './principal.js';
import type { PrincipalRead } from './principalLoader.js';

/** The `sid` of a key's claims in the principal cache: its principals are kept (and dropped) like sessions'. */
export const API_KEY_SESSION = 'api-key';
// A used key's lastUsedAt is written at most this often, so a busy key costs no write per request.
const LAST_USED_EVERY_MS = 60_000;
const NEVER = new Date(8.64e15);

/** A new key: `phk_` and 256 random bits; what is stored is its hash and its first characters. */
export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}

/** SHA-256 (hex) of a key. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** The bearer of a request when it is an API key (so passport's JWT check is not asked), else null. */
export function bearerApiKey(authorization: string | undefined): string | null {
  const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  return bearer?.startsWith(API_KEY_PREFIX) ? bearer : null;
}

/**
 * The principal a key acts as: a user-shaped stand-in whose id is the key's, with the key's role, of the
 * key's organisation, and `apiKeyId` set (policies and the audit trail see it; me.ts refuses it).
 */
function keyPrincipal(key: ApiKeyDoc, organisation: Principal['organisation']): Principal {
  const user = {
    _id: key._id,
    email: '',
    name: key.name,
    organisationId: key.organisationId,
    role: key.role,
    active: true,
    locale: 'en',
    passwordHash: '',
    mfaEnabled: false,
    mfaRecoveryHashes: [],
  } as unknown as UserDoc;
  return { user, organisation, sessionId: '', apiKeyId: key._id.toString() };
}

/**
 * Reads the principal of a key by its hash: null when unknown, revoked or expired, or its organisation
 * is inactive. Notes the use at most once a minute (in the background).
 */
export async function readApiKeyPrincipal(repos: Pick<Repositories, 'apiKeys' | 'organisations'>, hash: string): Promise<PrincipalRead | null> {
  const key = await repos.apiKeys.findByHash(hash);
  const now = new Date();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;
  const organisation = await repos.organisations.find(key.organisationId);
  if (!organisation?.active) return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_EVERY_MS) void repos.apiKeys.touch(key._id, now).catch(() => undefined);
  return { principal: keyPrincipal(key, organisation), sessionExpiresAt: key.expiresAt ?? NEVER };
}
