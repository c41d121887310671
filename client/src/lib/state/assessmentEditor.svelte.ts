/** The assessment editor: values, checks, save and publish, and what happens when someone else saved first. */
import { api, ApiError, type Assessment } from '../api.js';
import {
  changedContent,
  checkValues,
  contentOf,
  emptyValues,
  fieldId,
  rebase,
  serverProblem,
  slotOrder,
  slotValue,
  valuesOf,
  withSlot,
  type Conflict,
  type FactorValues,
  type FormErrors,
  type FormValues,
  type Slot,
} from '../assessmentForm.js';
import { errorKey } from '../errors.js';
import { directory } from './directory.svelte.js';
import { i18n, type MessageKey } from './i18n.svelte.js';

/** After a 409: the newer version someone else saved (null while it loads or if it could not be read). */
export interface Stale {
  latest: Assessment | null;
}

/** After "reload and keep my changes": which version is now underneath, and where both of you changed the same thing. */
export interface Rebased {
  version: number;
  kept: number;
  conflicts: Conflict[];
}

/** State of one editor page. */
export class AssessmentEditor {
  /** The version the form was loaded from; null for a new assessment. */
  assessment = $state.raw<Assessment | null>(null);
  base = $state.raw<FormValues>(emptyValues());
  values = $state<FormValues>(emptyValues());
  errors = $state<FormErrors>({});
  failure = $state<MessageKey | null>(null);
  busy = $state<'save' | 'publish' | 'reload' | null>(null);
  stale = $state.raw<Stale | null>(null);
  rebased = $state.raw<Rebased | null>(null);
  readonly dirty = $derived(JSON.stringify(this.values) !== JSON.stringify(this.base));
  readonly isNew = $derived(this.assessment === null);

  /** The values of factor `number` (1–14): the form always holds all fourteen. */
  factor(number: number): FactorValues {
    const factor = this.values.factors.find((entry) => entry.number === number);
    if (!factor) throw new RangeError(`The form has no risk factor ${number}`);
    return factor;
  }

  /** Puts `factor` in the place of the factor with its number. */
  setFactor(factor: FactorValues): void {
    const index = this.values.factors.findIndex((entry) => entry.number === factor.number);
    if (index === -1) throw new RangeError(`The form has no risk factor ${factor.number}`);
    this.values.factors[index] = factor;
  }

  /** Starts editing `assessment`, or a new one (optionally for `country`). */
  start(assessment: Assessment | null, country = ''): void {
    this.assessment = assessment;
    this.base = assessment ? valuesOf(assessment) : emptyValues(country);
    this.values = structuredClone(this.base);
    this.errors = {};
    this.failure = null;
    this.stale = null;
    this.rebased = null;
  }

  /** Saves the form (create, or PATCH of what changed); null when it did not save. */
  async save(): Promise<Assessment | null> {
    if (!this.#checked()) return null;
    const current = this.assessment;
    if (current && !this.dirty) return current;
    const values = $state.snapshot(this.values) as FormValues;
    const sent = contentOf(values);
    this.busy = 'save';
    try {
      const saved = current
        ? await api.updateAssessment(current.id, current.version, changedContent(this.base, values))
        : await api.createAssessment({ country: values.country, ...sent });
      this.#accept(saved);
      return saved;
    } catch (error) {
      await this.#failed(error, sent.riskFactors);
      return null;
    } finally {
      this.busy = null;
    }
  }

  /** Saves if needed, then publishes; null when it did not. */
  async publish(): Promise<Assessment | null> {
    const saved = await this.save();
    if (!saved) return null;
    if (saved.status === 'published') return saved;
    this.busy = 'publish';
    try {
      const published = await api.publishAssessment(saved.id);
      this.#accept(published);
      return published;
    } catch (error) {
      await this.#failed(error, []);
      return null;
    } finally {
      this.busy = null;
    }
  }

  /** Loads the latest version and puts the person's own changes back on top of it. */
  async reloadKeepingMine(): Promise<void> {
    const current = this.assessment;
    if (!current) return;
    this.busy = 'reload';
    this.failure = null;
    try {
      const latest = await api.assessment(current.id);
      const merged = rebase(this.base, $state.snapshot(this.values) as FormValues, valuesOf(latest));
      this.assessment = latest;
      this.base = valuesOf(latest);
      this.values = merged.values;
      this.rebased = { version: latest.version, kept: merged.kept, conflicts: merged.conflicts };
      this.stale = null;
      this.errors = {};
    } catch (error) {
      this.failure = errorKey(error);
    } finally {
      this.busy = null;
    }
  }

  /** Drops the person's changes and shows the latest version as it is. */
  async discardMine(): Promise<void> {
    const current = this.assessment;
    if (!current) return;
    this.busy = 'reload';
    try {
      this.start(this.stale?.latest ?? (await api.assessment(current.id)));
    } catch (error) {
      this.failure = errorKey(error);
    } finally {
      this.busy = null;
    }
  }

  /** After a merge: takes the other person's value for one slot instead of one's own. */
  useTheirs(slot: Slot): void {
    this.values = withSlot($state.snapshot(this.values) as FormValues, slot, slotValue(this.base, slot));
    if (this.rebased) this.rebased = { ...this.rebased, conflicts: this.rebased.conflicts.filter((c) => c.slot !== slot) };
  }

  #accept(saved: Assessment): void {
    this.assessment = saved;
    this.base = valuesOf(saved);
    this.values = structuredClone(this.base);
    this.errors = {};
    this.failure = null;
    this.stale = null;
    this.rebased = null;
  }

  #checked(): boolean {
    this.failure = null;
    this.errors = checkValues(i18n, $state.snapshot(this.values) as FormValues, this.isNew);
    const first = slotOrder().find((slot) => this.errors[slot]) ?? Object.keys(this.errors)[0];
    if (!first) return true;
    this.failure = 'editor_fix_errors';
    focusField(first);
    return false;
  }

  async #failed(error: unknown, sent: ReturnType<typeof contentOf>['riskFactors']): Promise<void> {
    if (error instanceof ApiError && error.code === 'conflict' && this.assessment) {
      this.stale = { latest: null };
      this.failure = null;
      try {
        const latest = await api.assessment(this.assessment.id);
        directory.putNames(latest.names);
        // Publishing something already published is the one 409 that is not about a newer version.
        if (latest.version === this.assessment.version) {
          this.stale = null;
          this.failure = 'editor_already_published';
        } else {
          this.stale = { latest };
        }
      } catch {
        // The message still stands; reloading will try again.
      }
      return;
    }
    const problem = serverProblem(i18n, error, sent);
    if (problem) {
      this.errors = { [problem.slot]: problem.message };
      this.failure = 'editor_fix_errors';
      focusField(problem.slot);
      return;
    }
    this.failure = errorKey(error);
  }
}

/** Moves focus to the control of a slot (the first input inside it, for groups). */
export function focusField(slot: Slot): void {
  queueMicrotask(() => {
    const element = document.getElementById(fieldId(slot));
    const target = element?.matches('input, select, textarea') ? element : element?.querySelector<HTMLElement>('input, select, textarea, summary');
    (target ?? element)?.focus();
  });
}
