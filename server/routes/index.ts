import { Router } from 'express';
import type { Config } from '../../config/index.js';
import { assessmentsRouter, countryOverviewRouter } from './assessments.js';
import { auditRouter } from './audit.js';
import { authRouter } from './auth.js';
import { documentsRouter } from './documents.js';
import { frameworkRouter } from './framework.js';
import { meRouter } from './me.js';
import { organisationsRouter } from './organisations.js';
import { roomsRouter } from './rooms.js';
import type { RoomRuntime } from '../services/rooms/runtime.js';
import { usersRouter } from './users.js';

/** What the process holds that the routes use, built by the hub (hub.ts). */
export interface Wired {
  rooms: RoomRuntime;
}

/** Every API route under /api, in one table. */
export function apiRouter(config: Config, wired: Wired): Router {
  const router = Router();
  router.use('/auth', authRouter(config));
  router.use('/me', meRouter(config));
  router.use('/organisations', organisationsRouter());
  router.use('/users', usersRouter());
  router.use('/audit', auditRouter());
  router.use(frameworkRouter());
  router.use('/assessments', assessmentsRouter());
  router.use('/countries', countryOverviewRouter());
  router.use('/rooms', roomsRouter(wired.rooms));
  router.use('/documents', documentsRouter(config));
  return router;
}
