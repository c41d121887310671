import mongoose from 'mongoose';
import { searchWords } from '../../shared/search.js';
import { Assessment, type AssessmentContent, type AssessmentDoc } from '../models/assessment.js';
import { AssessmentVersion, versionKey, type AssessmentVersionDoc } from '../models/assessmentVersion.js';
import { Comment, type CommentDoc } from '../models/comment.js';
import { audienceOf } from '../policies/sharing.js';
import { Catalog } from '../store/catalog.js';
import { publishChange } from '../store/changeFeed.js';
import { catchUp, claimNext } from '../store/versions.js';
import type { OrganisationRepository } from './organisations.js';

export const ASSESSMENT_FEED = 'assessments';

/** What a new comment stores. */
export type NewComment = Omit<CommentDoc, '_id'>;

const snapshotOf = (doc: AssessmentDoc) => {
  const { _id, audience: _a, words: _w, versions: _v, published: _p, publishedVersion: _n, ...content } = doc;
  return { _id: versionKey(_id.toString(), doc.version), assessmentId: _id, ...content };
};

/** The content fields of a version (what the published view keeps). */
export function contentOf(doc: AssessmentContent): AssessmentContent {
  const { title, summary, periodStart, periodEnd, overallRisk, riskFactors, status, classification } = doc;
  const { sharing, tlp, discoverable, version, updatedBy, updatedAt, publishedAt } = doc;
  const readings = { title, summary, periodStart, periodEnd, overallRisk, riskFactors, status, classification };
  return { ...readings, sharing, tlp, discoverable, version, updatedBy, updatedAt, publishedAt };
}

/** The last published content of an assessment (one stored before v2 has no `published`: itself, once published). */
const lastPublished = (a: AssessmentDoc): AssessmentContent | null =>
  a.published !== undefined ? a.published : a.status === 'published' ? contentOf(a) : null;

/**
 * Assessments, their insert-only versions (`<id>:<n>`) and comments. Reads come from the process's
 * catalog, brought up to date first, so a read sees every write that finished before it on any process;
 * every write tells the change feed before it answers.
 */
export class AssessmentRepository {
  /** Every assessment, kept in this process (store/catalog.ts says why); grouped by country. */
  readonly catalog: Catalog<AssessmentDoc>;

  constructor(private readonly organisations: OrganisationRepository) {
    this.catalog = new Catalog<AssessmentDoc>(
      ASSESSMENT_FEED,
      (id) => Assessment.findById(id).lean<AssessmentDoc>().exec(),
      () => Assessment.find({}).lean<AssessmentDoc[]>().exec(),
      (a) => a.country,
      // Every reader's list in the order others read it: the time of the published view (services/assessments/views.ts).
      (a) => (a.published?.updatedAt ?? a.updatedAt).getTime(),
    );
  }

  /** A live assessment (null when deleted or unknown), as of every write finished before this call. */
  async find(id: string): Promise<AssessmentDoc | null> {
    await this.catalog.fresh();
    const doc = this.catalog.get(id);
    return doc && !doc.deletedAt ? doc : null;
  }

  /** Live assessments (of one country, if given), newest `updatedAt` first, as of now. */
  async live(country?: string): Promise<readonly AssessmentDoc[]> {
    await this.catalog.fresh();
    return country ? this.catalog.liveIn(country) : this.catalog.live();
  }

  /**
   * The derived fields of an assessment after a change: the published view (the new version if it is
   * published, else the previous view: a draft revision changes nothing others see), the audience (of
   * the published view: sharing in a draft revision takes effect on publish), search words, and the
   * version list with each version's own status and audience.
   */
  async derive(next: AssessmentDoc, previous: AssessmentDoc): Promise<AssessmentDoc> {
    const officeId = await this.organisations.officeId();
    const before = lastPublished(previous);
    next.published = next.status === 'published' ? contentOf(next) : before ? contentOf(before) : null;
    next.publishedVersion = next.published?.version ?? null;
    next.audience = audienceOf({ organisationId: next.organisationId, sharing: next.published?.sharing ?? next.sharing, draft: !next.published }, officeId);
    next.words = searchWords(next.title, next.summary ?? '');
    const audience = audienceOf({ organisationId: next.organisationId, sharing: next.sharing, draft: next.status === 'draft' }, officeId);
    next.versions = [
      ...(previous.versions ?? []),
      { version: next.version, updatedBy: next.updatedBy, updatedAt: next.updatedAt, status: next.status, audience },
    ];
    return next;
  }

  /** Stores a new assessment: its version 1 first, so an assessment never exists without it. */
  async create(doc: AssessmentDoc): Promise<void> {
    await AssessmentVersion.create(snapshotOf(doc));
    await Assessment.create(doc);
    await publishChange(ASSESSMENT_FEED, doc._id.toString());
  }

  /**
   * Stores `next` (version `current.version + 1`): inserting its version record claims the number, so
   * of two edits made from one version exactly one wins. The loser answers false, after bringing the
   * assessment up to the winner's version (the winner may have died before updating it).
   */
  async saveVersion(current: AssessmentDoc, next: AssessmentDoc): Promise<boolean> {
    const claimed = await claimNext(
      current,
      () => AssessmentVersion.create(snapshotOf(next)),
      (doc) => this.settle(doc),
    );
    if (!claimed.won) return false;
    await this.write(next);
    return true;
  }

  /** One stored version of an assessment, or null. */
  version(id: mongoose.Types.ObjectId, version: number): Promise<AssessmentVersionDoc | null> {
    return AssessmentVersion.findById(versionKey(id.toString(), version)).lean<AssessmentVersionDoc>().exec();
  }

  /**
   * A page of an assessment's comments, oldest first, after the comment id `after`; with `audience`,
   * only those written for one of these audience keys.
   */
  comments(assessmentId: mongoose.Types.ObjectId, options: { audience?: string[]; after?: string; limit: number }): Promise<CommentDoc[]> {
    const filter: Record<string, unknown> = { assessmentId };
    if (options.audience) filter.audience = mongoose.trusted({ $in: options.audience });
    if (options.after) filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(options.after) });
    return Comment.find(filter).sort({ _id: 1 }).limit(options.limit).lean<CommentDoc[]>().exec();
  }

  /** Stores a comment. */
  async addComment(comment: NewComment): Promise<CommentDoc> {
    return (await Comment.create(comment)).toObject() as CommentDoc;
  }

  /** The ids of the users who commented on an assessment. */
  async commenters(assessmentId: mongoose.Types.ObjectId): Promise<string[]> {
    const rows = await Comment.find({ assessmentId }, { 'author.id': 1 }).lean();
    return [...new Set(rows.flatMap((c) => (c.author ? [c.author.id.toString()] : [])))];
  }

  /** Whether no assessment was ever stored. */
  async isEmpty(): Promise<boolean> {
    return (await Assessment.exists({})) === null;
  }

  /**
   * Turns the clock back on a stored assessment (demo data): version `n` saved at `times[n - 1]`, each
   * version in `publications` published at its own time; the version list and published view are
   * kept, only their times change. Then the change feed tells the catalogs.
   */
  async backdate(id: string, times: Date[], publications: number[]): Promise<void> {
    // The publication time of version n: that of the latest publication at or before it.
    const publishedAtOf = (n: number) => {
      const last = publications.filter((p) => p <= n).pop();
      return last ? times[last - 1]! : null;
    };
    const doc = (await Assessment.findById(id).lean<AssessmentDoc>())!;
    const published = doc.published
      ? { ...doc.published, updatedAt: times[doc.published.version - 1]!, publishedAt: publishedAtOf(doc.published.version) }
      : null;
    await Assessment.updateOne(
      { _id: id },
      {
        $set: {
          createdAt: times[0],
          updatedAt: times[times.length - 1],
          publishedAt: publishedAtOf(times.length),
          published,
          versions: doc.versions.map((v, i) => ({ ...v, updatedAt: times[i] })),
        },
      },
    );
    await Promise.all(
      times.map((updatedAt, i) =>
        AssessmentVersion.updateOne({ _id: versionKey(id, i + 1) }, { $set: { createdAt: times[0], updatedAt, publishedAt: publishedAtOf(i + 1) } }),
      ),
    );
    await publishChange(ASSESSMENT_FEED, id);
  }

  private async write(doc: AssessmentDoc): Promise<void> {
    const { _id, ...fields } = doc;
    await Assessment.replaceOne({ _id }, fields);
    await publishChange(ASSESSMENT_FEED, _id.toString());
  }

  /** Applies the versions stored past `doc` (claimed by edits that stopped before updating it). */
  private async settle(doc: AssessmentDoc): Promise<AssessmentDoc> {
    const settled = await catchUp(doc, async (current) => {
      const ahead = await this.version(current._id, current.version + 1);
      if (!ahead) return null;
      const { _id: _key, assessmentId: _a, ...content } = ahead;
      return this.derive({ ...current, ...content } as AssessmentDoc, current);
    });
    if (settled.moved) await this.write(settled.doc);
    return settled.doc;
  }
}
