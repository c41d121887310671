#!/usr/bin/env node
// Installs Mailpit into <repo>/.tools/mailpit/mailpit: the real SMTP server the tests mail to (§11 e-mail).
// `go install` is tried first; the module's web UI is embedded from a folder its npm build fills, so when
// the published module lacks it we build from a writable copy with that folder stubbed (the tests only
// use the SMTP port and the HTTP API, never the UI).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installGoTool } from './go-tool.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

installGoTool({
  name: 'Mailpit',
  module: 'github.com/axllent/mailpit',
  version: 'v1.33.1',
  root,
  target: path.join(root, '.tools', 'mailpit', 'mailpit'),
  goInstallFirst: true,
  works: (bin) =>
    spawnSync(bin, ['version', '--no-release-check'], { stdio: 'ignore', timeout: 15_000 }).status === 0 ||
    spawnSync(bin, ['version'], { stdio: 'ignore', timeout: 15_000 }).status === 0,
  patch: (src) => {
    const dist = path.join(src, 'server', 'ui', 'dist');
    if (existsSync(dist)) return;
    mkdirSync(dist, { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Mailpit</title><p>UI not built.</p>\n');
  },
  hint: 'install Mailpit yourself and set MAILPIT_BIN',
});
