import type { Notification } from '../../../shared/schemas/notifications.js';
import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import type { DocumentDoc } from '../../models/document.js';
import { keptVisible, newlyVisible } from '../../policies/sharing.js';
import { actorView } from '../context.js';

/** A notification's subject for a document (the title only when unclassified). */
export function documentSubject(doc: DocumentDoc): Notification['subject'] {
  const classification = doc.classification as Notification['subject']['classification'];
  return {
    kind: 'document',
    id: doc._id.toString(),
    country: doc.country ?? null,
    title: classification === 'unclassified' ? doc.title : null,
    classification,
  };
}

/**
 * After a change of a document (`before`: the audience it had): `document.changed` to the sockets of
 * every organisation that saw it before or sees it now; `document.shared` to organisations that newly
 * see it; `document.version` (when `versioned`) to the other organisations that saw it and still do.
 */
export async function announceDocument(domain: Domain, p: Principal, doc: DocumentDoc, before: string[], versioned: boolean): Promise<void> {
  const active = before.includes('all') || doc.audience.includes('all') ? await domain.repos.organisations.activeIds() : [];
  domainEvents.publish('item.changed', { kind: 'document', id: doc._id.toString(), organisationIds: newlyVisible([], [...before, ...doc.audience], active) });
  if (doc.deletedAt) return;
  const owner = doc.organisationId.toString();
  const others = (ids: string[]) => ids.filter((orgId) => orgId !== owner);
  const base = { actor: actorView(p), subject: documentSubject(doc) };
  await domain.notifications.request({ ...base, type: 'document.shared', organisationIds: others(newlyVisible(before, doc.audience, active)) });
  if (versioned) await domain.notifications.request({ ...base, type: 'document.version', organisationIds: others(keptVisible(before, doc.audience, active)) });
}
