import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The URL of tsx's ESM API module (its `import` export), found from tsx's own package.json. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}

/**
 * A worker running `entry` (a URL relative to the caller's module, without extension): the .js once
 * built, the .ts under tsx (tests, benchmarks).
 */
export function startWorker(entry: string, caller: string, options: WorkerOptions = {}): Worker {
  if (!caller.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, caller), options);
  // Node 20 does not run `--import tsx` in workers (and tsx's loader registers in the main thread
  // only): the worker registers tsx through its API before loading the entry.
  const tsx = JSON.stringify(tsxEsmApi());
  const source = JSON.stringify(new URL(`${entry}.ts`, caller).href);
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${source}); });`, { ...options, eval: true });
}
