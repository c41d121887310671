/** What the API reference page reads of /api/openapi.json (§14): a small, typed view of OpenAPI 3.1. */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  $ref?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

/** One endpoint as the page lists it. */
export interface Endpoint {
  id: string;
  method: string;
  path: string;
  tag: string;
  summary: string;
  public: boolean;
  parameters: Parameter[];
  body: { type: string; schema: JsonSchema }[];
  responses: { status: string; description: string; schema: JsonSchema | null }[];
}

/** The endpoints of a description, grouped by their first tag, in the description's order. */
export function endpointsByTag(doc: OpenApiDocument): [string, Endpoint[]][] {
  const groups = new Map<string, Endpoint[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? 'other';
      const endpoint: Endpoint = {
        id: `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, '-'),
        method: method.toUpperCase(),
        path,
        tag,
        summary: op.summary ?? '',
        public: Array.isArray(op.security) && op.security.length === 0,
        parameters: op.parameters ?? [],
        body: Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => ({ type, schema: media.schema ?? {} })),
        responses: Object.entries(op.responses).map(([status, answer]) => ({
          status,
          description: answer.description,
          schema: Object.values(answer.content ?? {})[0]?.schema ?? null,
        })),
      };
      groups.set(tag, [...(groups.get(tag) ?? []), endpoint]);
    }
  }
  return [...groups];
}

/** A one-line name of a schema's type: `string (date-time)`, `integer 0–4`, `"a" | "b"`, `array of object`. */
export function typeLabel(schema: JsonSchema): string {
  if (schema.$ref) return schema.$ref.split('/').pop() ?? 'object';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeLabel).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  if (type === 'array') return `array of ${schema.items ? typeLabel(schema.items) : 'any'}`;
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${schema.minimum ?? ''}–${schema.maximum ?? ''}` : '';
  return `${type}${schema.format ? ` (${schema.format})` : ''}${range}`;
}

/** The object schema a schema holds (itself, its array's items, or a nullable alternative), for its fields. */
export function fieldsOf(schema: JsonSchema): JsonSchema | null {
  if (schema.properties) return schema;
  if (schema.items) return fieldsOf(schema.items);
  for (const alternative of schema.anyOf ?? schema.oneOf ?? []) {
    const found = fieldsOf(alternative);
    if (found) return found;
  }
  return null;
}
