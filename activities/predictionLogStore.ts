import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherStoreLog, putAddedBatches } from '../lib/predictionLog/storeLog';
import { predictionLogDir } from '../lib/serving/locations';
import { LocalStore } from '../lib/store';
import type { ActivityDeps } from './deps';
import { storeOf } from './storeFiles';

/**
 * The line's prediction log as a local folder of day files (lib/predictionLog's layout) for `fn`
 * to read and append to. With the project directory as the store that is the log itself, as
 * before. With a bucket the log is immutable batch objects (lib/predictionLog/storeLog.ts): they
 * are gathered into a scratch folder, and whatever `fn` appended goes up as one new batch object
 * per day, so workers on any host — and `trainctl serve` instances, through their log shipper —
 * add to one log and never overwrite each other.
 */
export async function withPredictionLog<T>(deps: ActivityDeps, modelName: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const store = storeOf(deps);
  if (store instanceof LocalStore) return fn(predictionLogDir(deps.paths, modelName));
  await mkdir(join(deps.paths.stateDir, 'tmp'), { recursive: true });
  const dir = await mkdtemp(join(deps.paths.stateDir, 'tmp', 'predictions-'));
  try {
    const before = await gatherStoreLog({ store, modelName, dir });
    const result = await fn(dir);
    const batch = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
    await putAddedBatches({ store, modelName, dir, before, batch });
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
