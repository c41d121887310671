import type { Principal } from '../../auth/principal.js';
import { searchWords } from '../../../shared/search.js';
import type { AssessmentDoc, VersionEntry } from '../../models/assessment.js';
import { sameOrganisation } from '../../policies/helpers.js';
import { audienceMatcher } from '../../policies/sharing.js';

// One per catalog entry: a change replaces the entry, so its view goes with it and lists reuse the
// view (and its cached JSON) instead of building one per request.
const publicViews = new WeakMap<AssessmentDoc, AssessmentDoc>();

/**
 * What organisations other than the owner read (§6 v2): the last published version, or null before
 * the first publication. An assessment stored before v2 (no `published` field) is its own view once
 * published.
 */
export function publicView(a: AssessmentDoc): AssessmentDoc | null {
  if (a.published === undefined) return a.status === 'published' ? a : null;
  if (!a.published) return null;
  if (a.published.version === a.version) return a;
  let view = publicViews.get(a);
  if (!view) {
    const p = a.published;
    view = { ...a, ...p, words: searchWords(p.title, p.summary ?? ''), publishedVersion: p.version };
    publicViews.set(a, view);
  }
  return view;
}

/** The number of the last published version, null before the first publication. */
export const publishedVersionOf = (a: AssessmentDoc): number | null => publicView(a)?.version ?? null;

/** What `p` reads of an assessment it may see: the owner the working version, others the published one. */
export function readerView(p: Principal, a: AssessmentDoc): AssessmentDoc | null {
  const view = publicView(a);
  // Without a draft revision everyone who sees it reads the same: lists skip the owner check.
  if (view === a) return a;
  return sameOrganisation(p, a.organisationId) ? a : view;
}

/**
 * Which versions of an assessment `p` (who sees the assessment now) may read (§5 v2): the owner all;
 * others only published ones whose own sharing included them. A version stored before v2 (no status
 * nor audience) is shown to others only if it is the published one.
 */
export function versionReader(p: Principal, a: AssessmentDoc): (v: VersionEntry) => boolean {
  if (sameOrganisation(p, a.organisationId)) return () => true;
  const visible = audienceMatcher(p);
  const publishedVersion = publishedVersionOf(a);
  return (v) => (v.audience === undefined ? v.version === publishedVersion : v.status === 'published' && visible(v.audience));
}
