/** Translated labels for the codes the hub uses: roles, organisation kinds, audit actions and outcomes. */
import type { OrganisationKind, Role } from '../../../shared/roles.js';
import type { Organisation } from './api.js';
import type { I18n, MessageKey } from './state/i18n.svelte.js';

const ROLE: Record<Role, MessageKey> = { admin: 'role_admin', analyst: 'role_analyst', member: 'role_member' };
const KIND: Record<OrganisationKind, MessageKey> = {
  office: 'kind_office',
  regional: 'kind_regional',
  subregional: 'kind_subregional',
  national: 'kind_national',
};

/** The name of a role in the current language. */
export function roleLabel(i18n: I18n, role: string): string {
  return role in ROLE ? i18n.t(ROLE[role as Role]) : role;
}

/** The name of an organisation kind in the current language. */
export function kindLabel(i18n: I18n, kind: string): string {
  return kind in KIND ? i18n.t(KIND[kind as OrganisationKind]) : kind;
}

/** An audit action such as `auth.login_failed` as words; unknown actions show their code. */
export function actionLabel(i18n: I18n, action: string): string {
  const key = `action_${action.replace(/[.:-]/g, '_')}`;
  return i18n.has(key) ? i18n.t(key) : action;
}

/** An audit outcome (`success`, `failure`, `denied`…) as words. */
export function outcomeLabel(i18n: I18n, outcome: string): string {
  const key = `outcome_${outcome.replace(/[.:-]/g, '_')}`;
  return i18n.has(key) ? i18n.t(key) : outcome;
}

/** The kind of object an audit record is about. */
export function targetTypeLabel(i18n: I18n, type: string): string {
  const key = `target_${type.replace(/[.:-]/g, '_')}`;
  return i18n.has(key) ? i18n.t(key) : type;
}

// The Office is created by the hub itself with its official English name; show its official name in
// the reader's language instead, unless an administrator has renamed it.
const OFFICE_DEFAULT_NAMES = new Set([
  'united nations office on genocide prevention and the responsibility to protect',
  'office on genocide prevention and the responsibility to protect',
  'un office on genocide prevention and the responsibility to protect',
  'office on genocide prevention',
  'un office on genocide prevention',
  'united nations office on genocide prevention',
]);

// The hub's first administrator is created with this English placeholder name (HUB_ADMIN_EMAIL).
const BOOTSTRAP_ADMIN_NAMES = new Set(['hub administrator']);

/** A person's display name: their own, except the hub's placeholder name for its first administrator. */
export function personName(i18n: I18n, name: string): string {
  return BOOTSTRAP_ADMIN_NAMES.has(name.trim().toLowerCase()) ? i18n.t('bootstrap_admin_name') : name;
}

/** An organisation's display name. */
export function organisationName(i18n: I18n, organisation: Pick<Organisation, 'kind' | 'name'>): string {
  if (organisation.kind === 'office' && OFFICE_DEFAULT_NAMES.has(organisation.name.trim().toLowerCase())) return i18n.t('office_name');
  return organisation.name;
}

/** Actions the audit filter offers (other codes still display, as their code). */
export const KNOWN_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.refresh_reuse',
  'auth.password_change',
  'auth.mfa_enable',
  'auth.mfa_disable',
  'user.create',
  'user.update',
  'organisation.create',
  'organisation.update',
  'audit.verify',
  'alert.issue',
  'alert.update',
  'alert.acknowledge',
  'action.create',
  'action.update',
  'country.brief',
] as const;
