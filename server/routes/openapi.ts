import { Router } from 'express';
import { openApiDocument } from '../openapi/document.js';
import { API_DOCS } from './docs.js';

/** `GET /api/openapi.json` (§14, no authentication): built once, on the first request. */
export function openApiRouter(version: string): Router {
  const router = Router();
  let json: string | null = null;
  router.get('/openapi.json', (_req, res) => {
    json ??= JSON.stringify(openApiDocument(API_DOCS, version));
    res.type('json').send(json);
  });
  return router;
}
