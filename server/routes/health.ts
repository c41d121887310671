import { Router } from 'express';
import { pingDatabase } from '../db/connection.js';

/** `GET /api/health` (§10): no authentication; 503 within seconds while the database does not answer. */
export function healthRouter(version: string): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (await pingDatabase(2000)) {
      res.json({ status: 'ok', db: 'ok', version });
      return;
    }
    res.status(503).json({ status: 'degraded', db: 'down', version });
  });
  return router;
}
