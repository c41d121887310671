import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { canSeeAuditPerson } from '../../policies/audit.js';
import { canReadAssessment } from '../../policies/assessment.js';
import { canReadDocument } from '../../policies/document.js';
import { canSeeInactiveOrganisations } from '../../policies/organisation.js';
import { isRoomMember } from '../../policies/room.js';
import type { AuditRecordDoc } from '../../repositories/audit.js';
import { isId } from '../../repositories/ids.js';
import { roomOrNull } from '../../repositories/rooms.js';
import { readerView } from '../assessments/views.js';

/** What a reader may be told about a record's actor and target: their name and title, or null. */
export interface AuditNames {
  actorName: string | null;
  targetTitle: string | null;
}

/**
 * The names of the actors and the titles of the targets of these records, resolved only where the
 * reader may see them now: a person of the reader's organisation (any person for the Office admin),
 * an organisation the reader may list, an assessment or document the reader may read (the version
 * they read), a room they belong to. Anything else stays an id (null here). One read per distinct id.
 */
export async function auditNames(domain: Domain, reader: Principal, records: AuditRecordDoc[]): Promise<Map<AuditRecordDoc, AuditNames>> {
  const userIds = new Set<string>();
  for (const r of records) {
    if (r.actor?.userId) userIds.add(r.actor.userId);
    if (r.target?.type === 'user' && r.target.id) userIds.add(r.target.id);
  }
  const users = new Map((await domain.repos.users.findMany([...userIds])).map((u) => [u._id.toString(), u]));
  const personName = (id: string | null | undefined): string | null => {
    const user = id ? users.get(id) : undefined;
    return user && canSeeAuditPerson(reader, user.organisationId.toString()) ? user.name : null;
  };

  const titles = new Map<string, Promise<string | null>>();
  const titleOf = (type: string, id: string): Promise<string | null> => {
    const key = `${type}:${id}`;
    let title = titles.get(key);
    if (!title) {
      title = targetTitle(domain, reader, type, id);
      titles.set(key, title);
    }
    return title;
  };

  const answer = new Map<AuditRecordDoc, AuditNames>();
  for (const r of records) {
    const target = r.target;
    let title: string | null = null;
    if (target?.id) title = target.type === 'user' ? personName(target.id) : await titleOf(target.type ?? '', target.id);
    answer.set(r, { actorName: personName(r.actor?.userId), targetTitle: title });
  }
  return answer;
}

async function targetTitle(domain: Domain, reader: Principal, type: string, id: string): Promise<string | null> {
  if (!isId(id)) return null;
  switch (type) {
    case 'assessment': {
      const doc = await domain.repos.assessments.find(id);
      return doc && canReadAssessment(reader, doc) ? (readerView(reader, doc)?.title ?? null) : null;
    }
    case 'document': {
      const doc = await domain.repos.documents.load(id);
      return doc && canReadDocument(reader, doc) ? doc.title : null;
    }
    case 'organisation': {
      const organisation = await domain.repos.organisations.find(id);
      return organisation && (organisation.active || canSeeInactiveOrganisations(reader)) ? organisation.name : null;
    }
    case 'room': {
      const room = await roomOrNull(id);
      return room && isRoomMember(reader, room) ? room.name : null;
    }
    default:
      return null;
  }
}
