/** Which component shows each route; pages other than the dashboard load on first visit (weak connections). */
import type { Component } from 'svelte';
import type { RouteName } from './routes.js';

// Props vary by page; App passes each page what its route needs (see pageProps in App.svelte).
type PageModule = { default: Component<Record<string, unknown>> };

const loaders: Partial<Record<RouteName, () => Promise<PageModule>>> = {
  assessments: () => import('../pages/assessments/AssessmentListPage.svelte'),
  'assessment-new': () => import('../pages/assessments/AssessmentEditorPage.svelte'),
  'assessment-edit': () => import('../pages/assessments/AssessmentEditorPage.svelte'),
  assessment: () => import('../pages/assessments/AssessmentPage.svelte'),
  country: () => import('../pages/assessments/CountryPage.svelte'),
  rooms: () => import('../pages/rooms/RoomListPage.svelte'),
  'room-new': () => import('../pages/rooms/RoomNewPage.svelte'),
  room: () => import('../pages/rooms/RoomPage.svelte'),
  documents: () => import('../pages/documents/DocumentLibraryPage.svelte'),
  document: () => import('../pages/documents/DocumentPage.svelte'),
  account: () => import('../pages/AccountPage.svelte'),
  'admin-users': () => import('../pages/admin/UsersPage.svelte'),
  'admin-organisation-users': () => import('../pages/admin/UsersPage.svelte'),
  'admin-organisations': () => import('../pages/admin/OrganisationsPage.svelte'),
  'admin-audit': () => import('../pages/admin/AuditPage.svelte'),
};

const cache = new Map<RouteName, Promise<PageModule>>();

/** The page module of a lazily loaded route, or null for routes App renders itself. */
export function loadPage(name: RouteName): Promise<PageModule> | null {
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
