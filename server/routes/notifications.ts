import { Router } from 'express';
import { ListNotificationsQuery, NotificationSummary, ReadNotificationsBody } from '../../shared/schemas/notifications.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { markNotificationsRead } from '../services/notifications/commands.js';
import { listNotifications, notificationSummary } from '../services/notifications/queries.js';
import type { RoomRuntime } from '../services/rooms/runtime.js';

/** `/api/notifications`: the caller's own stored notifications (§11). */
export function notificationsRouter(domain: Domain, rooms: RoomRuntime): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListNotificationsQuery }), async (req, res) => {
    res.json(await listNotifications(domain, principalOf(req), input(req, 'query', ListNotificationsQuery)));
  });

  router.get('/summary', async (req, res) => {
    res.json(NotificationSummary.parse(await notificationSummary(domain, rooms, principalOf(req))));
  });

  router.post('/read', validate({ body: ReadNotificationsBody }), async (req, res) => {
    await markNotificationsRead(domain, principalOf(req), input(req, 'body', ReadNotificationsBody));
    res.status(204).end();
  });
  return router;
}
