/** A change sent from one row of an administration list (a user's role, an organisation's name, …). */
import { errorKey } from '../errors.js';
import { i18n } from './i18n.svelte.js';

/** How a row tells its page the outcome: the updated record, and a sentence to show. */
export interface RowReport<T> {
  onupdated: (value: T) => void;
  onmessage: (text: string, tone: 'success' | 'error') => void;
}

/** The row's change in flight; `busy` keeps its controls from sending a second one meanwhile. */
export class RowChange {
  busy = $state(false);

  /** Sends `request`; reports `success` and the updated record, or the error in words. Resolves whether it worked. */
  async run<T>(request: () => Promise<T>, success: string, report: RowReport<T>): Promise<boolean> {
    this.busy = true;
    try {
      const updated = await request();
      report.onupdated(updated);
      report.onmessage(success, 'success');
      return true;
    } catch (error) {
      report.onmessage(i18n.t(errorKey(error)), 'error');
      return false;
    } finally {
      this.busy = false;
    }
  }
}
