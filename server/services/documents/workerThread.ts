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
 * A worker running `entry` (the built .js file's URL): that file once built, its .ts source under tsx
 * (tests, benchmarks).
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(entry, options);
  // Node 20 does not run `--import tsx` in workers (and tsx's loader registers in the main thread
  // only): the worker registers tsx through its API before loading the entry.
  const tsx = JSON.stringify(tsxEsmApi());
  const source = JSON.stringify(entry.href.replace(/\.js$/, '.ts'));
  return new Worker(`import(${tsx}).then((api) => { api.register(); return import(${source}); });`, { ...options, eval: true });
}
