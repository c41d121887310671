import { TLP_LEVELS, type TlpLevel } from '../../../shared/sharing.js';
import type { MessageKey } from './state/i18n.svelte.js';

/** The TLP levels in the order a chooser offers them (§13). */
export const TLP_CHOICES: readonly TlpLevel[] = TLP_LEVELS;

/** The one-line explanation of each TLP label. */
export const TLP_EXPLANATIONS: Record<TlpLevel, MessageKey> = {
  clear: 'tlp_explain_clear',
  green: 'tlp_explain_green',
  amber: 'tlp_explain_amber',
  'amber+strict': 'tlp_explain_amber_strict',
  red: 'tlp_explain_red',
};

/** The label as TLP 2.0 writes it: `TLP:AMBER+STRICT`. */
export const tlpText = (tlp: TlpLevel): string => `TLP:${tlp.toUpperCase()}`;
