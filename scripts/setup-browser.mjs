#!/usr/bin/env node
// Test-only set-up of the Debian tools a person would use: a headless Chromium for the browser tests
// (driven by playwright-core, which downloads no browser of its own; CHROMIUM_PATH or /usr/bin/chromium)
// and docker-compose to validate the cluster compose file (no Docker engine needed). Installs the
// Debian package when missing (needs root or sudo, and apt). Idempotent: a second run does nothing.
// Called by scripts/setup.mjs with --test; also runnable alone: node scripts/setup-browser.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_DEFAULT_PATH = '/usr/bin/chromium';

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? CHROMIUM_DEFAULT_PATH;
}

export function ensureChromium({ say = (m) => console.log(`[setup] ${m}`) } = {}) {
  const path = chromiumPath();
  if (existsSync(path)) return (say(`chromium (dashboard test): ${path}`), path);
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    say(`chromium not found at ${path} and no apt-get here: install Chromium and set CHROMIUM_PATH (only the dashboard test needs it)`);
    return null;
  }
  say('installing Debian chromium for the dashboard test (apt-get install -y chromium)…');
  return aptInstall('chromium', say, 'the browser tests will be reported as failing until Chromium is installed') && existsSync(path)
    ? path
    : null;
}

export const DOCKER_COMPOSE_PATH = '/usr/bin/docker-compose';

/** docker-compose (Debian package, v1) for `docker-compose config` on docker-compose.temporal.yml. */
export function ensureDockerCompose({ say = (m) => console.log(`[setup] ${m}`) } = {}) {
  if (existsSync(DOCKER_COMPOSE_PATH)) return (say(`docker-compose (compose file test): ${DOCKER_COMPOSE_PATH}`), DOCKER_COMPOSE_PATH);
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    say('docker-compose not found and no apt-get here: install docker-compose (only the compose file test needs it)');
    return null;
  }
  say('installing Debian docker-compose for the compose file test (apt-get install -y docker-compose)…');
  return aptInstall('docker-compose', say, 'the compose file test will be reported as failing until it is installed') &&
    existsSync(DOCKER_COMPOSE_PATH)
    ? DOCKER_COMPOSE_PATH
    : null;
}

function aptInstall(pkg, say, consequence) {
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  for (const args of [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', '--no-install-recommends', pkg],
  ]) {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      say(`failed: ${cmd.join(' ')} (exit ${r.status ?? r.signal}); ${consequence}`);
      return false;
    }
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureChromium();
  ensureDockerCompose();
}
