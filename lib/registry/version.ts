import { ConfigError } from '../util';
import type { BumpKind } from './types';

const VERSION_RE = /^v(\d+)\.(\d+)\.(\d+)$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/**
 * Versions become folder names, so anything but `vX.Y.Z` is refused before it reaches a path
 * (`../x`, `v1.0.0/..`, absolute paths).
 */
export function parseVersion(version: unknown): SemVer {
  const m = typeof version === 'string' ? VERSION_RE.exec(version) : null;
  if (!m) throw new ConfigError(`invalid model version ${JSON.stringify(version)}: expected vMAJOR.MINOR.PATCH`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function assertVersion(version: unknown): string {
  parseVersion(version);
  return version as string;
}

export function formatVersion(v: SemVer): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

export function highestVersion(versions: Iterable<string>): string | null {
  let best: string | null = null;
  for (const v of versions) if (best === null || compareVersions(v, best) > 0) best = v;
  return best;
}

/** Bumps from the highest version ever allocated, so numbers are never reused (even after prune). */
export function nextVersion(highest: string | null, bump: BumpKind): string {
  if (highest === null) return 'v1.0.0';
  const v = parseVersion(highest);
  if (bump === 'major') return formatVersion({ major: v.major + 1, minor: 0, patch: 0 });
  if (bump === 'minor') return formatVersion({ major: v.major, minor: v.minor + 1, patch: 0 });
  return formatVersion({ ...v, patch: v.patch + 1 });
}
