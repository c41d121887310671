import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors.js';

type Part = 'body' | 'query' | 'params';
type Schemas = Partial<Record<Part, z.ZodType>>;

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds the first key that could act as a query operator or reach a prototype; null if none. */
export function findUnsafeKey(value: unknown, path = '', depth = 0): string | null {
  if (depth > MAX_DEPTH) return path || '(root)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeKey(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || key.includes('.') || FORBIDDEN_KEYS.has(key)) return here;
    const found = findUnsafeKey((value as Record<string, unknown>)[key], here, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Parses `input` with `schema` or throws a 400 naming the offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, part = 'body'): z.infer<S> {
  const unsafe = findUnsafeKey(input);
  if (unsafe) throw new HttpError('invalid_request', `${part}: the key "${unsafe}" is not allowed.`);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || part,
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  const first = details[0]!;
  throw new HttpError('invalid_request', `${first.path}: ${first.message}`, details);
}

/**
 * Validates the request with strict shared schemas and replaces each part with its parsed value
 * (`req.valid`), so handlers only ever see checked input.
 */
export function validate(schemas: Schemas): RequestHandler {
  return (req, _res, next) => {
    const valid: Record<string, unknown> = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const input = part === 'body' ? (req.body ?? {}) : { ...req[part] };
      valid[part] = parseOrThrow(schema, input, part);
    }
    req.valid = valid;
    next();
  };
}

/** The part of the request that validate() checked with `schema`, typed by that schema. */
export function input<S extends z.ZodType>(req: { valid: Record<string, unknown> }, part: Part, _schema: S): z.infer<S> {
  return req.valid[part] as z.infer<S>;
}
