import { Router } from 'express';
import type { Domain } from '../domain.js';
import { actionsRouter, alertsRouter } from './alerts.js';
import { accessRequestsRouter } from './accessRequests.js';
import { assessmentImportRouter } from './assessmentImport.js';
import { assessmentsRouter, countryOverviewRouter } from './assessments.js';
import { auditRouter } from './audit.js';
import { briefsRouter } from './briefs.js';
import { authRouter } from './auth.js';
import { documentsRouter } from './documents.js';
import { frameworkRouter } from './framework.js';
import { apiKeysRouter } from './machineAccess.js';
import { meRouter } from './me.js';
import { notificationsRouter } from './notifications.js';
import { openApiRouter } from './openapi.js';
import { organisationsRouter } from './organisations.js';
import { messageSearchRouter, roomsRouter } from './rooms.js';
import type { RoomRuntime } from '../services/rooms/runtime.js';
import { usersRouter } from './users.js';
import type { WebhookWorker } from '../services/webhooks/worker.js';

/** What the process holds that the routes use, built by the hub (hub.ts). */
export interface Wired {
  rooms: RoomRuntime;
  /** Posts webhook deliveries (§14). */
  webhooks: WebhookWorker;
}

/** Every API route under /api, in one table. */
export function apiRouter(domain: Domain, wired: Wired): Router {
  const router = Router();
  router.use(openApiRouter(domain.config.version));
  router.use('/auth', authRouter(domain));
  router.use('/me', meRouter(domain));
  // Before /organisations, whose router asks for a token first: its 401 would hide ours.
  router.use(apiKeysRouter(domain, wired.webhooks));
  router.use('/organisations', organisationsRouter(domain));
  router.use('/users', usersRouter(domain));
  router.use('/audit', auditRouter(domain));
  router.use(frameworkRouter());
  router.use('/assessments/import', assessmentImportRouter(domain));
  router.use('/assessments', assessmentsRouter(domain));
  router.use('/countries', countryOverviewRouter(domain));
  router.use('/countries', briefsRouter(domain));
  router.use('/rooms', roomsRouter(wired.rooms));
  router.use('/messages', messageSearchRouter(wired.rooms));
  router.use('/documents', documentsRouter(domain));
  router.use('/notifications', notificationsRouter(domain, wired.rooms));
  router.use('/alerts', alertsRouter(domain));
  router.use('/actions', actionsRouter(domain));
  router.use('/access-requests', accessRequestsRouter(domain));
  return router;
}
