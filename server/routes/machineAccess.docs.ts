import { z } from 'zod';
import { ApiKey, CreateApiKeyBody, CreatedApiKey } from '../../shared/schemas/apiKeys.js';
import { IdParams } from '../../shared/schemas/common.js';
import type { RouteDoc } from '../openapi/routeDoc.js';

/** §14: API keys, webhooks and import (machineAccess.ts). */
export const machineAccessDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/organisations/{id}/api-keys',
    tag: 'machine access',
    summary: 'An organisation’s API keys (its admin)',
    params: IdParams,
    answers: { 200: { description: 'Keys, without the key', schema: z.object({ items: z.array(ApiKey) }) } },
  },
  {
    method: 'post',
    path: '/api/organisations/{id}/api-keys',
    tag: 'machine access',
    summary: 'Create an API key (its admin); `key` is shown only here',
    params: IdParams,
    body: CreateApiKeyBody,
    answers: { 201: { description: 'Created', schema: CreatedApiKey } },
  },
  {
    method: 'delete',
    path: '/api/api-keys/{id}',
    tag: 'machine access',
    summary: 'Revoke an API key: it answers 401 at once',
    params: IdParams,
    answers: { 204: { description: 'Revoked' } },
  },
];
