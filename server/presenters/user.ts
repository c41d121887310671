import type { User } from '../../shared/schemas/organisations.js';
import type { UserDoc } from '../models/user.js';

/** The user as the API shows it (§3): never a hash or a secret. */
export function presentUser(user: UserDoc): User {
  return {
    id: user._id.toString(),
    email: user.email,
    name: user.name,
    organisationId: user.organisationId.toString(),
    role: user.role,
    active: user.active,
    locale: user.locale,
    mfaEnabled: user.mfaEnabled,
    createdAt: toIso(user.createdAt),
    updatedAt: toIso(user.updatedAt),
  };
}

/** An ISO-8601 UTC string, or null when there is no date. */
export function toIso(date: Date): string;
export function toIso(date: Date | null | undefined): string | null;
export function toIso(date: Date | null | undefined): string | null {
  return date ? new Date(date).toISOString() : null;
}
