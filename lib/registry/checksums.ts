import { versionKey, type Layout } from './layout';
import type { VersionRecord } from './state';

/** Missing, resized or altered files of one version, as human-readable problems (empty = intact). */
export async function checkFiles(layout: Layout, version: string, record: VersionRecord): Promise<string[]> {
  const problems = await Promise.all(
    Object.entries(record.files).map(async ([name, want]) => {
      const got = await layout.store.digest(versionKey(version, name));
      if (!got) return `${name}: missing`;
      if (got.size !== want.bytes) return `${name}: ${got.size} bytes, expected ${want.bytes}`;
      return got.sha256 === want.sha256 ? null : `${name}: SHA-256 ${got.sha256.slice(0, 12)}…, expected ${want.sha256.slice(0, 12)}…`;
    }),
  );
  return problems.filter((p): p is string => p !== null);
}
