#!/usr/bin/env node
// Installs Mailpit into <repo>/.tools/mailpit/mailpit: the real SMTP server the tests mail to (§11 e-mail).
// `go install` is tried first; the module's web UI is embedded from a folder its npm build fills, so when
// the published module lacks it we build from a writable copy with that folder stubbed (the tests only
// use the SMTP port and the HTTP API, never the UI).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = 'v1.33.1';
const MODULE = 'github.com/axllent/mailpit';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, '.tools', 'mailpit');
const target = path.join(dir, 'mailpit');

function say(line) {
  process.stderr.write(`[install-mailpit] ${line}\n`);
}

function fail(line) {
  process.stderr.write(`[install-mailpit] cannot install Mailpit ${VERSION}: ${line}\n`);
  process.exit(1);
}

/** Only a binary that prints its version and exits 0 counts. */
function works(bin) {
  const r = spawnSync(bin, ['version', '--no-release-check'], { stdio: 'ignore', timeout: 15_000 });
  if (r.status === 0) return true;
  return spawnSync(bin, ['version'], { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

// Files in the module cache are read-only; the copy needs to be writable to edit and later delete it.
function makeWritable(folder) {
  chmodSync(folder, 0o755);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else if (entry.isFile()) chmodSync(full, statSync(full).mode | 0o200);
  }
}

/** `go install` with GOBIN into a fresh temporary folder, then renamed: true when it produced a working binary. */
function goInstall() {
  const bin = mkdtempSync(path.join(dir, '.gobin-'));
  try {
    say(`go install ${MODULE}@${VERSION}`);
    const r = spawnSync('go', ['install', `${MODULE}@${VERSION}`], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: bin, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    });
    const built = path.join(bin, 'mailpit');
    if (r.status !== 0 || !works(built)) return false;
    renameSync(built, target);
    return true;
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/** Builds from a writable copy of the module with the embedded UI folder stubbed when it is missing. */
function buildFromSource() {
  say(`downloading ${MODULE}@${VERSION}`);
  const download = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@${VERSION}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  let info = {};
  try {
    info = JSON.parse(download.stdout);
  } catch {
    // no JSON at all: Go already explained on stderr
  }
  if (download.status !== 0 || !info.Dir) {
    const reason = info.Error ? String(info.Error).split('\n')[0] : `exit ${download.status}`;
    fail(`go mod download failed (${reason}); is the Go module proxy reachable?`);
  }
  const work = mkdtempSync(path.join(tmpdir(), 'mailpit-src-'));
  try {
    const src = path.join(work, 'src');
    cpSync(info.Dir, src, { recursive: true });
    makeWritable(src);
    const dist = path.join(src, 'server', 'ui', 'dist');
    if (!existsSync(dist)) {
      mkdirSync(dist, { recursive: true });
      writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Mailpit</title><p>UI not built.</p>\n');
    }
    const partial = `${target}.${process.pid}.tmp`;
    say('compiling (go build .)');
    const build = spawnSync('go', ['build', '-o', partial, '.'], {
      cwd: src,
      stdio: 'inherit',
      env: { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    });
    if (build.status !== 0) {
      rmSync(partial, { force: true });
      fail(`go build failed (exit ${build.status ?? build.signal}); see the lines above`);
    }
    if (!works(partial)) {
      rmSync(partial, { force: true });
      fail('the built binary does not run (`mailpit version` failed)');
    }
    renameSync(partial, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (works(target)) {
    say(`Mailpit is already installed at ${path.relative(root, target)}`);
    return;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) fail('Go is not installed (https://go.dev/dl), or install Mailpit yourself and set MAILPIT_BIN');
  say(`building Mailpit ${VERSION} with ${go.stdout.trim()} (a few minutes the first time)`);
  mkdirSync(dir, { recursive: true });
  if (!goInstall()) {
    say('go install did not give a working binary; building from the module source instead');
    buildFromSource();
  }
  say(`installed ${path.relative(root, target)}`);
}

main();
