#!/usr/bin/env node
// `npm start`: builds when the build is missing or older than the sources, then runs the server in
// this same process (so SIGINT/SIGTERM reach it directly, not through a wrapper).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);
const serverEntry = at('dist', 'server', 'index.js');
const clientIndex = at('client', 'dist', 'index.html');
const stamp = at('dist', '.build-stamp');
// Sources whose change makes the build stale.
const SOURCES = ['server', 'shared', 'config', 'client/src', 'client/index.html', 'client/vite.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
const SKIP = new Set(['node_modules', 'dist', '.git']);

function say(line) {
  process.stderr.write(`[start] ${line}\n`);
}

function newestMtime(target) {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

// The client is built by Vite from client/; until that folder exists, the API is still worth serving.
const clientBuildable = existsSync(at('client', 'vite.config.ts')) && existsSync(at('client', 'index.html'));

function whyBuild() {
  if (!existsSync(serverEntry)) return 'no server build yet';
  if (clientBuildable && !existsSync(clientIndex)) return 'no client build yet';
  if (!existsSync(stamp)) return 'no build stamp';
  const built = statSync(stamp).mtimeMs;
  const changed = SOURCES.find((source) => newestMtime(at(source)) > built);
  return changed ? `${changed} changed since the last build` : undefined;
}

function npmRun(script) {
  // Under `npm start`, npm_execpath is the npm that started us; reuse it rather than whatever is on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli, 'run', script]] : ['npm', ['run', script]];
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

function build(reason) {
  const script = clientBuildable ? 'build' : 'build:server';
  if (!clientBuildable) say('client/ has no vite.config.ts or index.html: building the server only (the API works, / has no app)');
  say(`building (${reason}): npm run ${script}`);
  // The stamp takes the time the build started, so an edit made during the build still counts as newer.
  const startedAt = new Date();
  if (!npmRun(script)) {
    process.stderr.write(`Partner Hub cannot start: \`npm run ${script}\` failed (see above)\n`);
    process.exit(1);
  }
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
}

const reason = whyBuild();
if (reason) build(reason);
await import(pathToFileURL(serverEntry).href);
