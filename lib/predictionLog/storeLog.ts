import { appendFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/types';

const DAY_FILE = /^predictions-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * A model line's prediction log in the artefact store: immutable batch objects
 * `.trainctl/predictions/<line>/<day>/<batch>.jsonl`, each a run of whole framed lines as in the day
 * files. Writers on any host only ever add a batch, so none overwrites another's; a reader
 * concatenates a day's batches into the day file lib/predictionLog's readers expect.
 */
export function storeLogPrefix(modelName: string): string {
  return `.trainctl/predictions/${modelName}/`;
}

export function storeLogBatchKey(o: { modelName: string; day: string; batch: string }): string {
  return `${storeLogPrefix(o.modelName)}${o.day}/${o.batch}.jsonl`;
}

/** Write every batch of the line into `dir` as day files; returns the bytes written per day. */
export async function gatherStoreLog(o: { store: Store; modelName: string; dir: string }): Promise<Map<string, number>> {
  const prefix = storeLogPrefix(o.modelName);
  const sizes = new Map<string, number>();
  await mkdir(o.dir, { recursive: true });
  for (const key of await o.store.list(prefix)) {
    const day = key.slice(prefix.length).split('/')[0]!;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    const found = await o.store.read(key);
    if (!found) continue;
    await appendFile(join(o.dir, `predictions-${day}.jsonl`), found.bytes);
    sizes.set(day, (sizes.get(day) ?? 0) + found.bytes.length);
  }
  return sizes;
}

/** What was appended to the day files of `dir` beyond `before`, put up as one batch object per day. */
export async function putAddedBatches(o: {
  store: Store;
  modelName: string;
  dir: string;
  before: Map<string, number>;
  batch: string;
}): Promise<string[]> {
  const keys: string[] = [];
  for (const name of await readdir(o.dir)) {
    const day = DAY_FILE.exec(name)?.[1];
    if (!day) continue;
    const added = (await readFile(join(o.dir, name))).subarray(o.before.get(day) ?? 0);
    if (added.length === 0) continue;
    const key = storeLogBatchKey({ modelName: o.modelName, day, batch: o.batch });
    await o.store.put(key, added);
    keys.push(key);
  }
  return keys;
}

/**
 * The line's log gathered from the store into a scratch folder under `scratchDir` for `fn` to read
 * (readPredictions, countShadowPredictions …); the folder is removed afterwards.
 */
export async function withStoreLogCopy<T>(
  o: { store: Store; modelName: string; scratchDir: string },
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  await mkdir(o.scratchDir, { recursive: true });
  const dir = await mkdtemp(join(o.scratchDir, 'predictions-'));
  try {
    await gatherStoreLog({ store: o.store, modelName: o.modelName, dir });
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
