import type { ItemCard } from '../../../shared/schemas/handling.js';
import type { AssessmentDoc } from '../../models/assessment.js';
import type { DocumentDoc } from '../../models/document.js';
import { seesCardOnly } from '../../policies/discovery.js';
import { presentCard } from '../../presenters/handling.js';
import { publicView } from '../assessments/views.js';

/**
 * The card of an assessment for a reader who may not read it (`readable` false), or null: only a
 * discoverable, published one has a card, made from what others read of it (the published view).
 */
export function assessmentCard(a: AssessmentDoc, readable: boolean): ItemCard | null {
  const view = publicView(a);
  if (!view || !seesCardOnly({ organisationId: a.organisationId, discoverable: a.discoverable, deletedAt: a.deletedAt, published: true }, readable)) {
    return null;
  }
  return presentCard('assessment', { ...view, createdAt: a.createdAt });
}

/** The card of a document for a reader who may not read it, or null when it is not discoverable. */
export function documentCard(d: DocumentDoc, readable: boolean): ItemCard | null {
  return seesCardOnly({ ...d, published: true }, readable) ? presentCard('document', d) : null;
}

/**
 * Whether a card passes a list's word search: only by the title it shows (an unclassified item's), so
 * a search never reveals what a card hides.
 */
export function cardMatches(card: ItemCard, matches: (title: string) => boolean): boolean {
  return card.title !== null && matches(card.title);
}
