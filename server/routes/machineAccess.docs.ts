import { z } from 'zod';
import { ApiKey, CreateApiKeyBody, CreatedApiKey } from '../../shared/schemas/apiKeys.js';
import { IdParams } from '../../shared/schemas/common.js';
import { ImportAssessmentsJson, ImportAssessmentsQuery, ImportReport } from '../../shared/schemas/assessmentImport.js';
import { CreateWebhookBody, Webhook, WebhookDelivery } from '../../shared/schemas/webhooks.js';
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
  {
    method: 'get',
    path: '/api/organisations/{id}/webhooks',
    tag: 'machine access',
    summary: 'An organisation’s webhooks (its admin)',
    params: IdParams,
    answers: { 200: { description: 'Webhooks, without secrets', schema: z.object({ items: z.array(Webhook) }) } },
  },
  {
    method: 'post',
    path: '/api/organisations/{id}/webhooks',
    tag: 'machine access',
    summary: 'Create a webhook: each listed notification type is posted as {id, type, createdAt, subject}, signed X-Hub-Signature-256',
    params: IdParams,
    body: CreateWebhookBody,
    answers: { 201: { description: 'Created', schema: Webhook } },
  },
  {
    method: 'delete',
    path: '/api/webhooks/{id}',
    tag: 'machine access',
    summary: 'Remove a webhook',
    params: IdParams,
    answers: { 204: { description: 'Removed' } },
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    tag: 'machine access',
    summary: 'The latest deliveries with their attempts',
    params: IdParams,
    answers: { 200: { description: 'Deliveries', schema: z.object({ items: z.array(WebhookDelivery) }) } },
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/test',
    tag: 'machine access',
    summary: 'Send a test event (type webhook.test)',
    params: IdParams,
    answers: { 202: { description: 'Queued', schema: z.object({ deliveryId: z.string() }) } },
  },
  {
    method: 'post',
    path: '/api/assessments/import',
    tag: 'assessments',
    summary:
      'Import draft assessments from CSV (columns: the fields of POST /api/assessments; riskFactors and sharing as JSON text) or a JSON array; all rows or none',
    query: ImportAssessmentsQuery,
    bodyTypes: { 'application/json': ImportAssessmentsJson, 'text/csv': z.string() },
    answers: { 200: { description: 'Created (or, with dryRun=true, would be), or the errors of every row', schema: ImportReport } },
  },
];
