/** Which component shows each route; pages other than the dashboard load on first visit (weak connections). */
import type { Component } from 'svelte';
import type { Route, RouteName } from './routes.js';

type PageProps = Record<string, unknown>;

/** A route's page with the props that route gives it: App renders `<page.component {...page.props} />`. */
export interface RoutePage {
  component: Component<PageProps>;
  props: PageProps;
}

/** What a loaded page module turns into: given the current route, the page to render. */
export type PageBinder = (route: Route) => RoutePage;

/** A page loaded on first visit, with the props it takes from its route. */
function lazyPage<P extends PageProps>(load: () => Promise<{ default: Component<P> }>, props: (route: Route) => P): () => Promise<PageBinder> {
  return async () => {
    const { default: component } = await load();
    // The signature ties each component to the props built for it; past here App needs one type for every page.
    const page = component as Component<PageProps>;
    return (route) => ({ component: page, props: props(route) });
  };
}

/** A parameter the route's pattern always captures (see the table in routes.ts). */
function param(route: Route, name: string): string {
  const value = route.params[name];
  if (value === undefined) throw new Error(`Route ${route.name} has no parameter ${name}`);
  return value;
}

const none = (): Record<string, never> => ({});
const byId = (route: Route) => ({ id: param(route, 'id') });

const loaders: Partial<Record<RouteName, () => Promise<PageBinder>>> = {
  assessments: lazyPage(() => import('../pages/assessments/AssessmentListPage.svelte'), none),
  'assessment-new': lazyPage(() => import('../pages/assessments/AssessmentEditorPage.svelte'), none),
  'assessment-edit': lazyPage(() => import('../pages/assessments/AssessmentEditorPage.svelte'), byId),
  assessment: lazyPage(() => import('../pages/assessments/AssessmentPage.svelte'), byId),
  country: lazyPage(
    () => import('../pages/assessments/CountryPage.svelte'),
    (route) => ({ code: param(route, 'code') }),
  ),
  rooms: lazyPage(() => import('../pages/rooms/RoomListPage.svelte'), none),
  'room-new': lazyPage(() => import('../pages/rooms/RoomNewPage.svelte'), none),
  room: lazyPage(() => import('../pages/rooms/RoomPage.svelte'), byId),
  documents: lazyPage(() => import('../pages/documents/DocumentLibraryPage.svelte'), none),
  document: lazyPage(() => import('../pages/documents/DocumentPage.svelte'), byId),
  alerts: lazyPage(() => import('../pages/alerts/AlertListPage.svelte'), none),
  'alert-new': lazyPage(() => import('../pages/alerts/AlertNewPage.svelte'), none),
  alert: lazyPage(() => import('../pages/alerts/AlertPage.svelte'), byId),
  action: lazyPage(() => import('../pages/alerts/ActionRedirect.svelte'), byId),
  account: lazyPage(() => import('../pages/AccountPage.svelte'), none),
  'access-requests': lazyPage(() => import('../pages/AccessRequestsPage.svelte'), none),
  'admin-users': lazyPage(() => import('../pages/admin/UsersPage.svelte'), none),
  'admin-organisation-users': lazyPage(
    () => import('../pages/admin/UsersPage.svelte'),
    (route) => ({ organisationId: param(route, 'id') }),
  ),
  'admin-organisations': lazyPage(() => import('../pages/admin/OrganisationsPage.svelte'), none),
  'admin-audit': lazyPage(() => import('../pages/admin/AuditPage.svelte'), none),
  'assessment-import': lazyPage(() => import('../pages/assessments/AssessmentImportPage.svelte'), none),
  'admin-machine': lazyPage(() => import('../pages/admin/PartnerSystemsPage.svelte'), none),
  'api-docs': lazyPage(() => import('../pages/api/ApiDocsPage.svelte'), none),
};

const cache = new Map<RouteName, Promise<PageBinder>>();

/** The page of a lazily loaded route once its module is in, or null for routes App renders itself. */
export function loadPage(name: RouteName): Promise<PageBinder> | null {
  const loader = loaders[name];
  if (!loader) return null;
  let pending = cache.get(name);
  if (!pending) {
    pending = loader();
    cache.set(name, pending);
    // Offline when first opened: forget the failure so the next visit tries again.
    pending.catch(() => cache.delete(name));
  }
  return pending;
}
