// Builds a Go program from the module proxy into <repo>/.tools: the one recipe the FerretDB and Mailpit
// installers share. The module is downloaded, copied somewhere writable (the module cache is read-only),
// patched by the caller where the published module cannot build as is, compiled next to the target and
// renamed over it, so a concurrent start never runs half a binary. Only a binary that runs counts.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function makeWritable(folder) {
  chmodSync(folder, 0o755);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else if (entry.isFile()) chmodSync(full, statSync(full).mode | 0o200);
  }
}

// Pure-Go builds: no C compiler needed unless the caller asks for cgo.
const goEnv = (extra = {}) => ({ ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0', ...extra });

/**
 * Installs `module@version` as the binary `target` unless a working one is there.
 * - `works(bin)`: whether a binary runs (prints its version, exits 0);
 * - `pkg`: the package to build inside the module (`.` or `./cmd/x`);
 * - `patch(src)`: fixes a writable copy of the module before it is built;
 * - `goInstallFirst`: try a plain `go install` before building from a copy;
 * - `hint`: what to do without Go.
 */
export function installGoTool({ name, module, version, target, root, works, pkg = '.', patch = () => {}, goInstallFirst = false, hint }) {
  const say = (line) => process.stderr.write(`[install-${name.toLowerCase()}] ${line}\n`);
  const fail = (line) => {
    process.stderr.write(`[install-${name.toLowerCase()}] cannot install ${name} ${version}: ${line}\n`);
    process.exit(1);
  };
  if (works(target)) {
    say(`${name} is already installed at ${path.relative(root, target)}`);
    return;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) fail(`Go is not installed (https://go.dev/dl), or ${hint}`);
  say(`building ${name} ${version} with ${go.stdout.trim()} (a few minutes the first time)`);
  mkdirSync(path.dirname(target), { recursive: true });
  if (goInstallFirst && goInstall()) {
    say(`installed ${path.relative(root, target)}`);
    return;
  }
  buildFromCopy();
  say(`installed ${path.relative(root, target)}`);

  /** `go install` with GOBIN into a fresh folder, then renamed: true when it produced a working binary. */
  function goInstall() {
    const bin = mkdtempSync(path.join(path.dirname(target), '.gobin-'));
    try {
      say(`go install ${module}@${version}`);
      const r = spawnSync('go', ['install', `${module}@${version}`], { stdio: 'inherit', env: goEnv({ GOBIN: bin }) });
      const built = path.join(bin, path.basename(module).toLowerCase());
      if (r.status !== 0 || !works(built)) {
        say('go install did not give a working binary; building from the module source instead');
        return false;
      }
      renameSync(built, target);
      return true;
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }

  function buildFromCopy() {
    say(`downloading ${module}@${version}`);
    const download = spawnSync('go', ['mod', 'download', '-json', `${module}@${version}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
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
    const work = mkdtempSync(path.join(tmpdir(), `${name.toLowerCase()}-src-`));
    try {
      const src = path.join(work, 'src');
      cpSync(info.Dir, src, { recursive: true });
      makeWritable(src);
      patch(src);
      const partial = `${target}.${process.pid}.tmp`;
      say(`compiling (go build ${pkg})`);
      const build = spawnSync('go', ['build', '-o', partial, pkg], { cwd: src, stdio: 'inherit', env: goEnv() });
      if (build.status !== 0) {
        rmSync(partial, { force: true });
        fail(`go build failed (exit ${build.status ?? build.signal}); see the lines above`);
      }
      if (!works(partial)) {
        rmSync(partial, { force: true });
        fail(`the built binary does not run`);
      }
      renameSync(partial, target);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
