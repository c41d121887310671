import type { Principal } from '../../auth/principal.js';
import type { Notification } from '../../../shared/schemas/notifications.js';
import { canReadAssessment } from '../../policies/assessment.js';
import { canReadDocument } from '../../policies/document.js';
import { isRoomMember } from '../../policies/room.js';
import { ALL_AUDIENCE, orgAudience } from '../../policies/sharing.js';
import type { Repositories } from '../../repositories/index.js';
import { roomOrNull } from '../../repositories/rooms.js';

type Subject = Pick<Notification['subject'], 'kind' | 'id'>;

/** Who may see a subject, as data: an audience (assessments, documents) or member organisations (rooms); null when gone. */
async function accessOf(repos: Repositories, subject: Subject): Promise<{ audience: string[] } | null> {
  if (subject.kind === 'assessment') {
    const a = await repos.assessments.find(subject.id);
    return a ? { audience: a.audience } : null;
  }
  if (subject.kind === 'document') {
    await repos.documents.catalog.fresh();
    const d = repos.documents.catalog.get(subject.id);
    return d && !d.deletedAt ? { audience: d.audience } : null;
  }
  if (subject.kind === 'room') {
    const room = await roomOrNull(subject.id);
    return room ? { audience: room.organisations.map(orgAudience) } : null;
  }
  return null; // kinds of later sections bring their own check with them
}

/** For fan-out: which organisations see a subject now (the same audience rule as reads). */
export async function organisationsSeeing(repos: Repositories, subject: Subject): Promise<(organisationId: string) => boolean> {
  const access = await accessOf(repos, subject);
  if (!access) return () => false;
  const all = access.audience.includes(ALL_AUDIENCE);
  return (organisationId) => all || access.audience.includes(orgAudience(organisationId));
}

/** For reads: whether `p` sees each subject now, by the read policies; one check per subject per request. */
export function subjectReader(repos: Repositories, p: Principal): (subject: Subject) => Promise<boolean> {
  const seen = new Map<string, Promise<boolean>>();
  const check = async (subject: Subject): Promise<boolean> => {
    if (subject.kind === 'assessment') {
      const a = await repos.assessments.find(subject.id);
      return !!a && canReadAssessment(p, a);
    }
    if (subject.kind === 'document') {
      await repos.documents.catalog.fresh();
      const d = repos.documents.catalog.get(subject.id);
      return !!d && canReadDocument(p, d);
    }
    if (subject.kind === 'room') {
      const room = await roomOrNull(subject.id);
      return !!room && isRoomMember(p, room);
    }
    return false;
  };
  return (subject) => {
    const key = `${subject.kind}:${subject.id}`;
    let verdict = seen.get(key);
    if (!verdict) seen.set(key, (verdict = check(subject)));
    return verdict;
  };
}
