import type { z } from 'zod';

/** The HTTP methods the API uses. */
export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** One answer of a route: a description and, for a body, its schema (JSON unless `type` says otherwise). */
export interface AnswerDoc {
  description: string;
  schema?: z.ZodType;
  type?: string;
}

/**
 * The documentation of one route (§14): what /api/openapi.json says about it. `path` is the OpenAPI form of
 * the Express path (`/api/assessments/{id}` for `/api/assessments/:id`); the schemas are the shared ones
 * the route validates with and its presenter is typed against.
 */
export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** False for the few routes that need no bearer token. */
  auth?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The request body's media type when it is not JSON (multipart uploads, CSV imports). */
  bodyTypes?: Record<string, z.ZodType>;
  /** Success answers by status; the error answers (§2) are added for every route. */
  answers: Record<number, AnswerDoc>;
}
