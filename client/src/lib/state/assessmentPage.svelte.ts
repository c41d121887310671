/** The assessment page: the assessment, its versions, a comparison of two of them, its comments. */
import { api, type Assessment, type AssessmentComment, type AssessmentVersion, type AssessmentVersionItem, type ItemCard } from '../api.js';
import { errorKey } from '../errors.js';
import { directory } from './directory.svelte.js';
import type { MessageKey } from './i18n.svelte.js';

const COMMENTS_PAGE = 50;

/** State of one assessment page. */
export class AssessmentPage {
  assessment = $state.raw<Assessment | null>(null);
  /** What a reader who may not read a discoverable assessment sees of it (§13). */
  card = $state.raw<ItemCard | null>(null);
  loadError = $state<MessageKey | null>(null);
  versions = $state.raw<AssessmentVersionItem[]>([]);
  /** The two versions compared, as numbers (`left` older by default). */
  left = $state<number | null>(null);
  right = $state<number | null>(null);
  compared = $state.raw<{ left: AssessmentVersion; right: AssessmentVersion } | null>(null);
  comparing = $state(false);
  compareError = $state<MessageKey | null>(null);
  comments = $state.raw<AssessmentComment[]>([]);
  commentsCursor = $state<string | null>(null);
  commentsError = $state<MessageKey | null>(null);
  #cache = new Map<number, Promise<AssessmentVersion>>();

  constructor(readonly id: string) {}

  /** Loads the assessment, its versions and the first comments. */
  async load(): Promise<void> {
    this.loadError = null;
    try {
      const assessment = await api.assessmentOrCard(this.id);
      if ('restricted' in assessment) {
        this.card = assessment;
        return;
      }
      directory.putNames(assessment.names);
      this.assessment = assessment;
      this.#cache.set(assessment.version, Promise.resolve(assessment));
    } catch (error) {
      this.loadError = errorKey(error);
      return;
    }
    await Promise.all([this.loadVersions(), this.loadComments()]);
  }

  /**
   * The version list, newest last; picks for comparison the last one and the published one before it
   * (what readers saw before; a draft revision and its publication differ in status only), else the one before.
   */
  async loadVersions(): Promise<void> {
    try {
      const { items } = await api.versions(this.id);
      this.versions = items;
      const last = items.at(-1)?.version ?? null;
      const earlier = items.slice(0, -1);
      const before = earlier.findLast((v) => v.status === 'published')?.version ?? earlier.at(-1)?.version ?? null;
      if (this.right === null) this.right = last;
      if (this.left === null) this.left = before ?? last;
    } catch (error) {
      this.compareError = errorKey(error);
    }
  }

  /** Reads the two chosen versions and shows them side by side. */
  async compare(): Promise<void> {
    if (this.left === null || this.right === null) return;
    this.comparing = true;
    this.compareError = null;
    try {
      const [left, right] = await Promise.all([this.#version(this.left), this.#version(this.right)]);
      this.compared = { left, right };
    } catch (error) {
      this.compareError = errorKey(error);
    } finally {
      this.comparing = false;
    }
  }

  /** The first page of comments, or the next one. */
  async loadComments(cursor?: string): Promise<void> {
    this.commentsError = null;
    try {
      const page = await api.comments(this.id, { limit: COMMENTS_PAGE, cursor });
      this.comments = cursor ? [...this.comments, ...page.items] : page.items;
      this.commentsCursor = page.nextCursor;
    } catch (error) {
      this.commentsError = errorKey(error);
    }
  }

  /** Posts a comment; throws the ApiError for the form to show. */
  async addComment(body: string): Promise<void> {
    const comment = await api.addComment(this.id, body);
    this.comments = [...this.comments, comment];
  }

  /** Publishes the draft. */
  async publish(): Promise<void> {
    this.assessment = await api.publishAssessment(this.id);
    this.left = this.right = null;
    this.compared = null;
    await this.loadVersions();
  }

  /** Drops the draft revision: the published version is the assessment again. */
  async discard(): Promise<void> {
    this.assessment = await api.discardRevision(this.id);
    this.left = this.right = null;
    this.compared = null;
    await this.loadVersions();
  }

  /** Compares the published version (what readers see) with the draft revision. */
  async comparePublished(): Promise<void> {
    const a = this.assessment;
    if (!a?.publishedVersion) return;
    this.left = a.publishedVersion;
    this.right = a.version;
    await this.compare();
  }

  /** Deletes the assessment. */
  remove(): Promise<void> {
    return api.deleteAssessment(this.id);
  }

  #version(version: number): Promise<AssessmentVersion> {
    let pending = this.#cache.get(version);
    if (!pending) {
      pending = api.assessmentVersion(this.id, version);
      this.#cache.set(version, pending);
      pending.catch(() => this.#cache.delete(version));
    }
    return pending;
  }
}
