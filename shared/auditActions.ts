/**
 * Every action code the hub writes to the audit trail (§9). The web app offers each in the audit
 * filter and shows it as words: its label is `action_<code with . replaced by _>` in every language.
 * A feature that records a new action adds its code here (and its label in en, fr and ar).
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.refresh_reuse',
  'auth.password_change',
  'auth.mfa_setup',
  'auth.mfa_enable',
  'auth.mfa_disable',
  'user.create',
  'user.update',
  'user.update_self',
  'organisation.create',
  'organisation.update',
  'assessment.create',
  'assessment.update',
  'assessment.publish',
  'assessment.discard',
  'assessment.delete',
  'assessment.read',
  'assessment.read_version',
  'assessment.list',
  'assessment.comment',
  'comment.list',
  'country.overview',
  'document.create',
  'document.version',
  'document.update',
  'document.delete',
  'document.read',
  'document.list',
  'document.download',
  'room.create',
  'room.update',
  'audit.verify',
] as const;

/** The i18n key of an action's label: `assessment.read_version` → `action_assessment_read_version`. */
export const auditActionKey = (action: string): string => `action_${action.replace(/[.:-]/g, '_')}`;
