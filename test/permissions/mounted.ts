import { readFileSync } from 'node:fs';
import ts from 'typescript';
import express from 'express';
import { get } from '../helpers/http.js';

/** What the matrix needs of an express 5 (router 2) layer; the package does not type its internals. */
interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function walk(stack: Layer[], prefix: string, found: Set<string>): void {
  for (const layer of stack) {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') continue; // the web app's catch-all (a RegExp), not an API route
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') found.add(`${method.toUpperCase()} ${join(prefix, layer.route.path)}`);
      }
    } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
      walk(layer.handle.stack, join(prefix, layer.rawPath), found);
    }
  }
}

const join = (prefix: string, path: string) => (path === '/' ? prefix || '/' : `${prefix}${path}`.replace(/\/$/, ''));

type App = { router: { stack: Layer[] } };

/**
 * The express app the running test hub serves. socket.io wraps the HTTP server's request listener,
 * so the app is caught where every express response knows it: `res.app`, while one request passes.
 */
async function runningApp(): Promise<App> {
  const proto = express.response as unknown as { json: (this: { app: App }, ...args: unknown[]) => unknown };
  const json = proto.json;
  let app: App | undefined;
  proto.json = function (this: { app: App }, ...args: unknown[]) {
    app ??= this.app;
    return json.apply(this, args);
  };
  try {
    await get('/api/health');
  } finally {
    proto.json = json;
  }
  if (!app?.router) throw new Error("could not reach the test hub's express app");
  return app;
}

/** Every `METHOD /path` route the running test hub's express app mounts, read from its router stack. */
export async function mountedApiRoutes(): Promise<string[]> {
  const app = await runningApp();
  const found = new Set<string>();
  walk(app.router.stack, '', found);
  return [...found].sort();
}

/** The events a client may emit, as `shared/events.ts` declares them in ClientToServerEvents. */
export function declaredClientEvents(): string[] {
  const file = new URL('../../shared/events.ts', import.meta.url);
  const source = ts.createSourceFile('events.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const events: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== 'ClientToServerEvents') return;
    for (const member of node.members) {
      const name = member.name;
      if (name && (ts.isStringLiteral(name) || ts.isIdentifier(name))) events.push(name.text);
    }
  });
  if (events.length === 0) throw new Error('found no ClientToServerEvents in shared/events.ts');
  return events.sort();
}
