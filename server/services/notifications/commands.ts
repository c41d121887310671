import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { HttpError } from '../../http/errors.js';
import { parseNotificationId } from '../../presenters/notification.js';
import { isCountryCode } from '../countries.js';

/**
 * `POST /api/notifications/read`: marks the caller's own notifications read — those named (an id that
 * is not one of theirs changes nothing and says nothing), or all of them up to the newest.
 */
export async function markNotificationsRead(domain: Domain, p: Principal, body: { ids: string[] } | { all: true }): Promise<void> {
  const userId = p.user._id.toString();
  const { notifications } = domain.repos;
  const now = new Date();
  if ('all' in body) {
    await notifications.markAllRead(userId, await notifications.head(userId), now);
    return;
  }
  const refs = body.ids.map(parseNotificationId).filter((ref) => ref !== null);
  const own = await Promise.all(refs.map(async (ref) => ((await notifications.at(userId, ref.seq))?.key === ref.key ? ref.seq : null)));
  const seqs = own.filter((seq) => seq !== null);
  if (seqs.length > 0) await notifications.markRead(userId, seqs, now);
}

/** `PUT /api/me/watch`: the countries the caller watches (alpha-3 codes that exist, at most 50). */
export async function watchCountries(domain: Domain, p: Principal, countries: string[]) {
  const unknown = countries.find((code) => !isCountryCode(code));
  if (unknown) throw new HttpError('invalid_request', `countries: ${unknown} is not an ISO 3166-1 alpha-3 country code.`);
  const unique = [...new Set(countries)];
  await domain.repos.watches.set(p.user._id.toString(), unique);
  return { countries: unique };
}
