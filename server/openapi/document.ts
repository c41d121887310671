import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ErrorAnswer } from '../../shared/schemas/common.js';
import type { RouteDoc } from './routeDoc.js';

const ERRORS: Record<number, string> = {
  400: 'invalid_request: the named field is wrong',
  401: 'unauthenticated: no valid token or API key',
  403: 'forbidden: visible, but not allowed to the caller',
  404: 'not_found: does not exist or is not visible to the caller',
  429: 'rate_limited',
};

function operation(doc: RouteDoc): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, answer] of Object.entries(doc.answers)) {
    responses[status] = {
      description: answer.description,
      ...(answer.schema ? { content: { [answer.type ?? 'application/json']: { schema: answer.schema } } } : {}),
    };
  }
  for (const [status, description] of Object.entries(ERRORS)) {
    if (doc.auth === false && status === '401') continue;
    responses[status] ??= { description, content: { 'application/json': { schema: ErrorAnswer } } };
  }
  const content: Record<string, { schema: RouteDoc['body'] }> = { ...(doc.body ? { 'application/json': { schema: doc.body } } : {}) };
  for (const [type, schema] of Object.entries(doc.bodyTypes ?? {})) content[type] = { schema };
  return {
    summary: doc.summary,
    tags: [doc.tag],
    operationId: `${doc.method}${doc.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(doc.auth === false ? { security: [] } : {}),
    ...(doc.params || doc.query ? { requestParams: { ...(doc.params ? { path: doc.params } : {}), ...(doc.query ? { query: doc.query } : {}) } } : {}),
    ...(Object.keys(content).length > 0 ? { requestBody: { required: true, content } } : {}),
    responses,
  } as ZodOpenApiOperationObject;
}

/** The OpenAPI 3.1 description of the API (§14) made from the routes' documentation tables. */
export function openApiDocument(docs: readonly RouteDoc[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const doc of docs) paths[doc.path] = { ...paths[doc.path], [doc.method]: operation(doc) };
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Partner Hub API',
      version,
      description: 'The API of Partner Hub. Authenticate with `Authorization: Bearer <access token or API key>`; see docs/api.md.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token (JWT) or an API key (`phk_…`)' } } },
    security: [{ bearer: [] }],
    paths,
  });
}
