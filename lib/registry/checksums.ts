import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../util';
import { versionDir, type Layout } from './layout';
import type { VersionRecord } from './state';

/** Missing, resized or altered files of one version, as human-readable problems (empty = intact). */
export async function checkFiles(layout: Layout, version: string, record: VersionRecord): Promise<string[]> {
  const dir = versionDir(layout, version);
  const problems = await Promise.all(
    Object.entries(record.files).map(async ([name, want]) => {
      const path = join(dir, name);
      try {
        const st = await stat(path);
        if (st.size !== want.bytes) return `${name}: ${st.size} bytes, expected ${want.bytes}`;
        const sha = await sha256File(path);
        return sha === want.sha256 ? null : `${name}: SHA-256 ${sha.slice(0, 12)}…, expected ${want.sha256.slice(0, 12)}…`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `${name}: missing`;
        throw err;
      }
    }),
  );
  return problems.filter((p): p is string => p !== null);
}
