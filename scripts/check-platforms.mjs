#!/usr/bin/env node
// Would `npm install` of this lockfile fail with EBADPLATFORM on another OS/CPU?
// `npm install --dry-run --os=darwin --cpu=arm64` cannot tell: npm applies --os/--cpu to optional
// packages only and checks required ones against the machine it runs on. This applies npm's rule
// (npm-install-checks' checkPlatform on every package that is not optional) for the target instead.
// Usage: node scripts/check-platforms.mjs [os/cpu …]   (default: darwin/arm64 darwin/x64 linux/arm64 win32/x64)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const targets = process.argv.length > 2 ? process.argv.slice(2) : ['darwin/arm64', 'darwin/x64', 'linux/arm64', 'win32/x64'];

// An os/cpu list allows a value if it names it, or if it only excludes ("!x") and does not exclude it.
const allows = (list, value) => {
  if (!list?.length) return true;
  if (list.includes(`!${value}`)) return false;
  return list.includes(value) || list.every((x) => x.startsWith('!'));
};

let failures = 0;
for (const target of targets) {
  const [os, cpu] = target.split('/');
  const bad = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && !p.optional && (!allows(p.os, os) || !allows(p.cpu, cpu)))
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} (os ${p.os ?? 'any'}, cpu ${p.cpu ?? 'any'})`);
  failures += bad.length;
  console.log(bad.length ? `${target}: EBADPLATFORM for ${bad.join(', ')}` : `${target}: ok`);
}
process.exit(failures ? 1 : 0);
