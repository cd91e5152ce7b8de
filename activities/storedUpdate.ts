import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LocalStore } from '../lib/store';
import type { ActivityDeps } from './deps';
import { keyFor, storeOf } from './storeFiles';

const ATTEMPTS = 8;

/**
 * Read-modify-write of files that several runs add to (a drift history, a report's deployment
 * section), wherever the store keeps them. In the project directory the update runs on the files
 * themselves, as before. In a bucket each file is fetched into a scratch folder (same names), the
 * update runs there, and every changed file is written back by compare-and-swap against what was
 * read; a file someone else changed meanwhile makes the whole update run again on the new state.
 * `update` gets the local paths in the order given, all in one folder under their own names (absent
 * files stay absent until it writes them), so the names must differ.
 */
export async function updateStoredFiles<T>(deps: ActivityDeps, paths: string[], update: (local: string[]) => Promise<T>): Promise<T> {
  const store = storeOf(deps);
  const keys = paths.map((p) => keyFor(deps, p));
  if (store instanceof LocalStore && keys.every((k, i) => store.pathOf(k) === paths[i])) return update(paths);
  if (new Set(paths.map((p) => basename(p))).size !== paths.length)
    throw new Error(`updateStoredFiles: file names must differ (${paths.join(', ')})`);
  const scratch = join(deps.paths.stateDir, 'tmp');
  await mkdir(scratch, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(scratch, 'update-'));
    try {
      const local = paths.map((p) => join(dir, basename(p)));
      const before = await Promise.all(keys.map((k) => store.read(k)));
      for (const [i, found] of before.entries()) if (found) await writeFile(local[i]!, found.bytes);
      const result = await update(local);
      let conflict = false;
      for (const [i, key] of keys.entries()) {
        const after = await readFile(local[i]!).catch(() => null);
        const old = before[i];
        if (!after || (old && after.equals(old.bytes))) continue;
        const etag = old ? await store.putIfMatch(key, after, old.etag) : await store.putIfAbsent(key, after);
        if (etag === null) {
          conflict = true;
          break;
        }
      }
      if (!conflict) return result;
      if (attempt >= ATTEMPTS)
        throw new Error(`${store.uriOf(keys[0]!)}: changed by others ${ATTEMPTS} times while being updated; retrying later`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
