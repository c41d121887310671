import mongoose from 'mongoose';
import { searchWords } from '../../shared/search.js';
import { Assessment, type AssessmentDoc } from '../models/assessment.js';
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
  const { _id, audience: _a, words: _w, versions: _v, ...content } = doc;
  return { _id: versionKey(_id.toString(), doc.version), assessmentId: _id, ...content };
};

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

  /** The fields kept beside the content (audience, search words, version list), after a change. */
  async derive(next: AssessmentDoc, previous: Pick<AssessmentDoc, 'versions'> | null): Promise<AssessmentDoc> {
    const draft = next.status === 'draft';
    next.audience = audienceOf({ organisationId: next.organisationId, sharing: next.sharing, draft }, await this.organisations.officeId());
    next.words = searchWords(next.title, next.summary ?? '');
    next.versions = [...(previous?.versions ?? []), { version: next.version, updatedBy: next.updatedBy, updatedAt: next.updatedAt }];
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
    const claimed = await claimNext(current, () => AssessmentVersion.create(snapshotOf(next)), (doc) => this.settle(doc));
    if (!claimed.won) return false;
    await this.write(next);
    return true;
  }

  /** One stored version of an assessment, or null. */
  version(id: mongoose.Types.ObjectId, version: number): Promise<AssessmentVersionDoc | null> {
    return AssessmentVersion.findById(versionKey(id.toString(), version)).lean<AssessmentVersionDoc>().exec();
  }

  /** A page of an assessment's comments, oldest first, after the comment id `after`. */
  comments(assessmentId: mongoose.Types.ObjectId, options: { after?: string; limit: number }): Promise<CommentDoc[]> {
    const filter: Record<string, unknown> = { assessmentId };
    if (options.after) filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(options.after) });
    return Comment.find(filter).sort({ _id: 1 }).limit(options.limit).lean<CommentDoc[]>().exec();
  }

  /** Stores a comment. */
  async addComment(comment: NewComment): Promise<CommentDoc> {
    return (await Comment.create(comment)).toObject() as CommentDoc;
  }

  /** Whether no assessment was ever stored. */
  async isEmpty(): Promise<boolean> {
    return (await Assessment.exists({})) === null;
  }

  /**
   * Turns the clock back on a stored assessment (demo data): version `n` saved at `times[n - 1]`,
   * published at `times[publishedVersion - 1]` (if it was); then the change feed tells the catalogs.
   */
  async backdate(id: string, by: mongoose.Types.ObjectId, times: Date[], publishedVersion: number | null): Promise<void> {
    const publishedAt = publishedVersion ? times[publishedVersion - 1]! : null;
    await Assessment.updateOne({ _id: id }, { $set: {
      createdAt: times[0], updatedAt: times[times.length - 1], publishedAt,
      versions: times.map((updatedAt, i) => ({ version: i + 1, updatedBy: by, updatedAt })),
    } });
    await Promise.all(times.map((updatedAt, i) => AssessmentVersion.updateOne({ _id: versionKey(id, i + 1) }, { $set: {
      createdAt: times[0], updatedAt, publishedAt: publishedVersion && i + 1 >= publishedVersion ? publishedAt : null,
    } })));
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
