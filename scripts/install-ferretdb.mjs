#!/usr/bin/env node
// Installs FerretDB into <repo>/.tools/ferretdb, the embedded database of Partner Hub.
// `go install …@v1.24.2` is not enough: the module ships an empty build/version/version.txt and the
// binary built from it panics at start, so we build from a writable copy with that file filled in.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = 'v1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, '.tools', 'ferretdb');

function say(line) {
  process.stderr.write(`[install-ferretdb] ${line}\n`);
}

function fail(line) {
  process.stderr.write(`[install-ferretdb] cannot install FerretDB ${VERSION}: ${line}\n`);
  process.exit(1);
}

/** Only a binary that prints its version and exits 0 counts: a broken build panics right there. */
function works(bin) {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 15_000 });
  return r.status === 0;
}

// Files in the module cache are read-only; the copy needs to be writable to edit and later delete it.
function makeWritable(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else if (entry.isFile()) chmodSync(full, statSync(full).mode | 0o200);
  }
}

function main() {
  if (works(target)) {
    say(`FerretDB is already installed at ${path.relative(root, target)}`);
    return;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) fail('Go is not installed (https://go.dev/dl), or install FerretDB 1.24 yourself and set FERRETDB_BIN');
  say(`building FerretDB ${VERSION} with ${go.stdout.trim()} (a few minutes the first time)`);

  say(`downloading ${MODULE}@${VERSION}`);
  const download = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@${VERSION}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  let info = {};
  try {
    info = JSON.parse(download.stdout);
  } catch {
    // no JSON at all: Go already explained on stderr
  }
  const dir = info.Dir;
  if (download.status !== 0 || !dir) {
    const reason = info.Error ? String(info.Error).split('\n')[0] : `exit ${download.status}`;
    fail(`go mod download failed (${reason}); is the Go module proxy reachable?`);
  }

  const work = mkdtempSync(path.join(tmpdir(), 'ferretdb-src-'));
  try {
    const src = path.join(work, 'src');
    cpSync(dir, src, { recursive: true });
    makeWritable(src);
    writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${VERSION}\n`);

    mkdirSync(path.dirname(target), { recursive: true });
    // Built next to the target and renamed, so a concurrent start never sees half a binary.
    const partial = `${target}.${process.pid}.tmp`;
    say('compiling (go build ./cmd/ferretdb)');
    // The SQLite backend is pure Go, so no C compiler is needed unless the caller asks for cgo.
    const build = spawnSync('go', ['build', '-o', partial, './cmd/ferretdb'], {
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
      fail('the built binary does not run (`ferretdb --version` failed)');
    }
    renameSync(partial, target);
    say(`installed ${path.relative(root, target)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
