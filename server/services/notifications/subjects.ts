import type { Principal } from '../../auth/principal.js';
import type { Notification } from '../../../shared/schemas/notifications.js';
import { canReadAlert } from '../../policies/alert.js';
import { canReadAssessment } from '../../policies/assessment.js';
import { canReadDocument } from '../../policies/document.js';
import { isRoomMember } from '../../policies/room.js';
import { canSeeAccessRequest } from '../../policies/discovery.js';
import { ALL_AUDIENCE, orgAudience, shareExpired } from '../../policies/sharing.js';
import { accessRequestSubject } from '../../presenters/handling.js';
import type { Repositories } from '../../repositories/index.js';
import { roomOrNull } from '../../repositories/rooms.js';
import { actionSubject, alertSubject } from '../alerts/notify.js';
import { assessmentSubject } from '../assessments/notify.js';
import { documentSubject } from '../documents/notify.js';

type Subject = Pick<Notification['subject'], 'kind' | 'id'>;

/** Who may see a subject, as data: an audience (assessments, documents) or member organisations (rooms); null when gone. */
async function accessOf(repos: Repositories, subject: Subject): Promise<{ audience: string[]; item?: Parameters<typeof shareExpired>[0] } | null> {
  if (subject.kind === 'assessment') {
    const a = await repos.assessments.find(subject.id);
    return a ? { audience: a.audience, item: { organisationId: a.organisationId, sharing: a.published?.sharing ?? a.sharing } } : null;
  }
  if (subject.kind === 'document') {
    await repos.documents.catalog.fresh();
    const d = repos.documents.catalog.get(subject.id);
    return d && !d.deletedAt ? { audience: d.audience, item: d } : null;
  }
  if (subject.kind === 'access-request') {
    // Seen by the two organisations it is between (§13).
    const r = await repos.accessRequests.find(subject.id);
    return r ? { audience: [orgAudience(r.ownerOrganisationId), orgAudience(r.organisationId)] } : null;
  }
  if (subject.kind === 'room') {
    const room = await roomOrNull(subject.id);
    return room ? { audience: room.organisations.map(orgAudience) } : null;
  }
  if (subject.kind === 'alert' || subject.kind === 'action') {
    const alert = await alertOf(repos, subject);
    return alert ? { audience: alert.alert.audience } : null;
  }
  return null; // kinds of later sections bring their own check with them
}

/** The alert of an alert or action subject (and the action), or null when gone. */
async function alertOf(repos: Repositories, subject: Subject) {
  if (subject.kind === 'alert') {
    const alert = await repos.alerts.find(subject.id);
    return alert ? { alert, action: null } : null;
  }
  const action = await repos.alerts.findAction(subject.id);
  const alert = action ? await repos.alerts.find(action.alertId.toString()) : null;
  return alert && action ? { alert, action } : null;
}

/** Whether an audience (`all`, or organisations) holds an organisation. */
export function audienceHolds(audience: readonly string[]): (organisationId: string) => boolean {
  const all = audience.includes(ALL_AUDIENCE);
  return (organisationId) => all || audience.includes(orgAudience(organisationId));
}

/** For fan-out: which organisations see a subject now (the same audience rule as reads). */
export async function organisationsSeeing(repos: Repositories, subject: Subject): Promise<(organisationId: string) => boolean> {
  const access = await accessOf(repos, subject);
  if (!access) return () => false;
  const holds = audienceHolds(access.audience);
  const item = access.item;
  // A share that has expired (§13) reaches nobody of that organisation.
  return item ? (organisationId) => holds(organisationId) && !shareExpired(item, organisationId) : holds;
}

/**
 * For reads and mails: the subject as `p` may be shown it now — its current title and classification
 * (an item reclassified since the notification was stored loses its title), or null when `p` no longer
 * sees it. One check per subject per reader.
 */
export function subjectReader(repos: Repositories, p: Principal): (subject: Subject) => Promise<Notification['subject'] | null> {
  const seen = new Map<string, Promise<Notification['subject'] | null>>();
  const check = async (subject: Subject): Promise<Notification['subject'] | null> => {
    if (subject.kind === 'assessment') {
      const a = await repos.assessments.find(subject.id);
      return a && canReadAssessment(p, a) ? assessmentSubject(a) : null;
    }
    if (subject.kind === 'document') {
      await repos.documents.catalog.fresh();
      const d = repos.documents.catalog.get(subject.id);
      return d && canReadDocument(p, d) ? documentSubject(d) : null;
    }
    if (subject.kind === 'room') {
      const room = await roomOrNull(subject.id);
      return room && isRoomMember(p, room) ? { kind: 'room', id: subject.id, country: room.country ?? null, title: room.name, classification: null } : null;
    }
    if (subject.kind === 'alert' || subject.kind === 'action') {
      const found = await alertOf(repos, subject);
      if (!found || !canReadAlert(p, found.alert)) return null;
      return found.action ? actionSubject(found.alert, found.action) : alertSubject(found.alert);
    }
    if (subject.kind === 'access-request') {
      const r = await repos.accessRequests.find(subject.id);
      return r && canSeeAccessRequest(p, r) ? { ...accessRequestSubject(r) } : null;
    }
    return null;
  };
  return (subject) => {
    const key = `${subject.kind}:${subject.id}`;
    let verdict = seen.get(key);
    if (!verdict) seen.set(key, (verdict = check(subject)));
    return verdict;
  };
}
