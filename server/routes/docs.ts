import type { RouteDoc } from '../openapi/routeDoc.js';
import { alertsDocs } from './alerts.docs.js';
import { assessmentsDocs } from './assessments.docs.js';
import { authDocs, openApiDocs } from './auth.docs.js';
import { documentsDocs } from './documents.docs.js';
import { machineAccessDocs } from './machineAccess.docs.js';
import { organisationsDocs } from './organisations.docs.js';
import { roomsDocs } from './rooms.docs.js';

/**
 * Every documented route (§14), one table per router, each beside its router (`<router>.docs.ts`).
 * test/openapi.test.ts fails when a route of apiRouter() has no entry here.
 */
export const API_DOCS: readonly RouteDoc[] = [
  ...authDocs,
  ...openApiDocs,
  ...organisationsDocs,
  ...assessmentsDocs,
  ...documentsDocs,
  ...roomsDocs,
  ...machineAccessDocs,
  ...alertsDocs,
];
