/** The app's pages and their paths; the router matches `location.pathname` against them. */

export type RouteName =
  | 'dashboard'
  | 'sign-in'
  | 'assessments'
  | 'assessment-new'
  | 'assessment'
  | 'assessment-edit'
  | 'country'
  | 'rooms'
  | 'room-new'
  | 'room'
  | 'documents'
  | 'document'
  | 'alerts'
  | 'alert-new'
  | 'alert'
  | 'action'
  | 'account'
  | 'access-requests'
  | 'admin-users'
  | 'admin-organisation-users'
  | 'admin-organisations'
  | 'admin-audit'
  | 'api-docs'
  | 'admin-machine'
  | 'assessment-import'
  | 'not-found';

export interface Route {
  name: RouteName;
  params: Record<string, string>;
}

const TABLE: [RouteName, RegExp][] = [
  ['dashboard', /^\/$/],
  ['sign-in', /^\/sign-in$/],
  ['assessments', /^\/assessments$/],
  ['assessment-new', /^\/assessments\/new$/],
  ['assessment-import', /^\/assessments\/import$/],
  ['assessment', /^\/assessments\/(?<id>[0-9a-f]{24})$/],
  ['assessment-edit', /^\/assessments\/(?<id>[0-9a-f]{24})\/edit$/],
  ['country', /^\/countries\/(?<code>[A-Z]{3})$/],
  ['rooms', /^\/rooms$/],
  ['room-new', /^\/rooms\/new$/],
  ['room', /^\/rooms\/(?<id>[0-9a-f]{24})$/],
  ['documents', /^\/documents$/],
  ['document', /^\/documents\/(?<id>[0-9a-f]{24})$/],
  ['alerts', /^\/alerts$/],
  ['alert-new', /^\/alerts\/new$/],
  ['alert', /^\/alerts\/(?<id>[0-9a-f]{24})$/],
  ['action', /^\/actions\/(?<id>[0-9a-f]{24})$/],
  ['account', /^\/account$/],
  ['access-requests', /^\/access-requests(?:\/(?<id>[0-9a-f]{24}))?$/],
  ['admin-users', /^\/admin(?:\/users)?$/],
  ['admin-organisation-users', /^\/admin\/organisations\/(?<id>[0-9a-zA-Z_-]{1,64})\/users$/],
  ['admin-organisations', /^\/admin\/organisations$/],
  ['admin-audit', /^\/admin\/audit$/],
  ['api-docs', /^\/api-docs$/],
  ['admin-machine', /^\/admin\/partner-systems$/],
];

/** The route of a path; trailing slashes are ignored. */
export function match(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [name, pattern] of TABLE) {
    const found = pattern.exec(path);
    if (found) return { name, params: { ...found.groups } };
  }
  return { name: 'not-found', params: {} };
}

/** Paths the app links to. */
export const paths = {
  dashboard: '/',
  signIn: '/sign-in',
  assessments: '/assessments',
  assessmentsOf: (country: string) => `/assessments?country=${encodeURIComponent(country)}`,
  newAssessment: '/assessments/new',
  importAssessments: '/assessments/import',
  assessment: (id: string) => `/assessments/${encodeURIComponent(id)}`,
  editAssessment: (id: string) => `/assessments/${encodeURIComponent(id)}/edit`,
  country: (code: string) => `/countries/${encodeURIComponent(code)}`,
  rooms: '/rooms',
  newRoom: '/rooms/new',
  room: (id: string) => `/rooms/${encodeURIComponent(id)}`,
  documents: '/documents',
  document: (id: string) => `/documents/${encodeURIComponent(id)}`,
  alerts: '/alerts',
  newAlert: (country: string) => `/alerts/new?country=${encodeURIComponent(country)}`,
  alert: (id: string) => `/alerts/${encodeURIComponent(id)}`,
  account: '/account',
  accessRequests: '/access-requests',
  adminUsers: '/admin/users',
  adminOrganisations: '/admin/organisations',
  adminOrganisationUsers: (id: string) => `/admin/organisations/${encodeURIComponent(id)}/users`,
  adminAudit: '/admin/audit',
  apiDocs: '/api-docs',
  adminMachine: '/admin/partner-systems',
} as const;
