import { DEFAULT_EMAIL_PREFERENCES, EMAIL_GROUP_NAMES, type EmailCadence, type EmailGroup } from '../../../shared/schemas/notifications.js';
import type { Domain } from '../../domain.js';
import { HttpError } from '../../http/errors.js';
import type { UserDoc } from '../../models/user.js';
import type { ActionContext } from '../context.js';

/** The e-mail cadence of every group for a user: what they chose, the §11 default for the rest. */
export function emailPreferencesOf(user: Pick<UserDoc, 'emailPreferences'>): Record<EmailGroup, EmailCadence> {
  const chosen = (user.emailPreferences ?? {}) as Partial<Record<EmailGroup, EmailCadence | null>>;
  return Object.fromEntries(EMAIL_GROUP_NAMES.map((g) => [g, chosen[g] ?? DEFAULT_EMAIL_PREFERENCES[g]])) as Record<EmailGroup, EmailCadence>;
}

function userIdOf(ctx: ActionContext): string {
  if (!ctx.principal) throw new HttpError('unauthenticated', 'Sign in first.');
  return ctx.principal.user._id.toString();
}

/** `GET /api/me/preferences`: read fresh (a change just made shows at once, whatever the principal cache holds). */
export async function readPreferences(domain: Domain, ctx: ActionContext): Promise<{ email: Record<EmailGroup, EmailCadence> }> {
  const user = await domain.repos.users.find(userIdOf(ctx));
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  return { email: emailPreferencesOf(user) };
}

/** `PATCH /api/me/preferences`: sets the groups named, answers all six. */
export async function updatePreferences(
  domain: Domain,
  ctx: ActionContext,
  body: { email: Partial<Record<EmailGroup, EmailCadence | undefined>> },
): Promise<{ email: Record<EmailGroup, EmailCadence> }> {
  const change = Object.fromEntries(Object.entries(body.email).filter(([, cadence]) => cadence !== undefined)) as Partial<Record<EmailGroup, EmailCadence>>;
  const id = userIdOf(ctx);
  const user = Object.keys(change).length > 0 ? await domain.repos.users.setEmailPreferences(id, change) : await domain.repos.users.find(id);
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  return { email: emailPreferencesOf(user) };
}
