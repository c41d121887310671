import type { Classification, TlpLevel } from '../../shared/sharing.js';

/** The TLP a demo item carries: what its classification suggests (§13). */
export function demoTlp(classification: Classification): TlpLevel {
  if (classification === 'strictly-confidential') return 'red';
  return classification === 'confidential' ? 'amber' : 'green';
}
