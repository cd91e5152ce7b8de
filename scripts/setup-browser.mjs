#!/usr/bin/env node
// Test-only set-up: a headless Chromium for the dashboard test (driven by playwright-core, which
// downloads no browser of its own). Uses CHROMIUM_PATH or /usr/bin/chromium when present; otherwise
// installs Debian's `chromium` package (needs root and apt). Idempotent: a second run does nothing.
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
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  for (const args of [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium'],
  ]) {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      say(
        `failed: ${cmd.join(' ')} (exit ${r.status ?? r.signal}); the dashboard test will be reported as failing until Chromium is installed`,
      );
      return null;
    }
  }
  return existsSync(path) ? path : null;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureChromium();
