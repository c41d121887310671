import { baseUrl } from './hub.js';

/** What a test sees of an HTTP answer. */
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

interface Options {
  token?: string;
  headers?: Record<string, string>;
  raw?: string | Buffer;
}

/** Calls the test hub over real HTTP and parses JSON answers. */
export async function call<T = any>(method: string, path: string, body?: unknown, options: Options = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | Buffer | undefined = options.raw;
  if (body !== undefined && payload === undefined) {
    headers['content-type'] ??= 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(baseUrl() + path, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const get = <T = any>(path: string, token?: string) => call<T>('GET', path, undefined, { token });
export const post = <T = any>(path: string, body?: unknown, token?: string) => call<T>('POST', path, body, { token });
export const patch = <T = any>(path: string, body?: unknown, token?: string) => call<T>('PATCH', path, body, { token });
export const del = <T = any>(path: string, token?: string) => call<T>('DELETE', path, undefined, { token });
