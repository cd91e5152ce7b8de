import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { predictionLogDir } from '../lib/serving/locations';
import { LocalStore } from '../lib/store';
import type { ActivityDeps } from './deps';
import { storeOf } from './storeFiles';

const DAY_FILE = /^predictions-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * The line's prediction log as a local folder of day files (lib/predictionLog's layout) for `fn`
 * to read and append to. With the project directory as the store that is the log itself, as
 * before. With a bucket the log is immutable batch objects, `.trainctl/predictions/<line>/<day>/<batch>.jsonl`
 * (framed lines as in the day files): they are gathered into a scratch folder, and whatever `fn`
 * appended goes up as one new batch object per day, so workers on any host add to one log and
 * never overwrite each other. (`trainctl serve` instances still write their own local log.)
 */
export async function withPredictionLog<T>(deps: ActivityDeps, modelName: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const store = storeOf(deps);
  if (store instanceof LocalStore) return fn(predictionLogDir(deps.paths, modelName));
  const prefix = `.trainctl/predictions/${modelName}/`;
  await mkdir(join(deps.paths.stateDir, 'tmp'), { recursive: true });
  const dir = await mkdtemp(join(deps.paths.stateDir, 'tmp', 'predictions-'));
  try {
    const before = new Map<string, number>();
    for (const key of await store.list(prefix)) {
      const day = key.slice(prefix.length).split('/')[0]!;
      const found = await store.read(key);
      if (!found) continue;
      await appendFile(join(dir, `predictions-${day}.jsonl`), found.bytes);
      before.set(day, (before.get(day) ?? 0) + found.bytes.length);
    }
    const result = await fn(dir);
    const batch = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
    for (const name of await readdir(dir)) {
      const day = DAY_FILE.exec(name)?.[1];
      if (!day) continue;
      const added = (await readFile(join(dir, name))).subarray(before.get(day) ?? 0);
      if (added.length > 0) await store.put(`${prefix}${day}/${batch}.jsonl`, added);
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
