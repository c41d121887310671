#!/usr/bin/env node
// Installs FerretDB into <repo>/.tools/ferretdb, the embedded database of Partner Hub.
// `go install …@v1.24.2` is not enough: the module ships an empty build/version/version.txt and the
// binary built from it panics at start, so we build from a writable copy with that file filled in.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installGoTool } from './go-tool.mjs';

const VERSION = 'v1.24.2';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

installGoTool({
  name: 'FerretDB',
  module: 'github.com/FerretDB/FerretDB',
  version: VERSION,
  root,
  target: path.join(root, '.tools', 'ferretdb'),
  pkg: './cmd/ferretdb',
  // A broken build panics right at `--version`.
  works: (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 15_000 }).status === 0,
  patch: (src) => writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${VERSION}\n`),
  hint: 'install FerretDB 1.24 yourself and set FERRETDB_BIN',
});
