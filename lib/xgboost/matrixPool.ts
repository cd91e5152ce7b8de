import { DMatrix } from './dmatrix';
import type { Dataset } from './types';

/**
 * Training matrices kept between trainings on the same rows: a search trains every trial on the
 * same walk-forward folds, and XGBoost's `hist` method cuts a DMatrix's feature histograms
 * (quantile sketch) at the first round and keeps them in the DMatrix. Rebuilding matrix and sketch
 * for every trial cost ~15 ms of a 200 ms fold; with a kept matrix the trees are byte-identical
 * (the sketch depends on the rows and max_bin only; test/lib/xgboost/matrixPool.test.ts).
 *
 * A matrix is lent to one training at a time (two trials on the same fold get two matrices), and
 * the ones nobody has used for MATRIX_POOL_IDLE_MS are freed.
 */
interface Pool {
  free: DMatrix[];
  timer?: NodeJS.Timeout;
}

const pools = new Map<string, Pool>();
export const MATRIX_POOL_IDLE_MS = 60_000;
/** Matrices kept per key (more trials at once on one fold than this build their own). */
const MAX_FREE_PER_KEY = 4;
/** Keys kept (a search has one per fold); the least recently used go first. */
const MAX_KEYS = 16;

/** A matrix of `train`'s rows, kept under `key`: the caller promises the rows are the same whenever the key is. */
export function takeTrainMatrix(key: string, train: Dataset): DMatrix {
  const pool = pools.get(key);
  const m = pool?.free.pop();
  if (m && m.rows === train.X.rows && m.cols === train.X.cols) return m;
  m?.dispose();
  return DMatrix.fromDataset(train);
}

/** Give a matrix back after training (never while a training still uses it). */
export function giveTrainMatrix(key: string, m: DMatrix): void {
  let pool = pools.get(key);
  if (pool) pools.delete(key);
  pool ??= { free: [] };
  // Most recently used last, for the eviction below.
  pools.set(key, pool);
  if (pool.free.length >= MAX_FREE_PER_KEY) m.dispose();
  else pool.free.push(m);
  clearTimeout(pool.timer);
  pool.timer = setTimeout(() => dropPool(key), MATRIX_POOL_IDLE_MS);
  pool.timer.unref();
  for (const old of [...pools.keys()].slice(0, Math.max(0, pools.size - MAX_KEYS))) dropPool(old);
}

/** Free every kept matrix (tests, and a worker that wants its memory back now). */
export function clearTrainMatrices(): void {
  for (const key of [...pools.keys()]) dropPool(key);
}

/** Matrices kept now, over all keys. */
export function keptTrainMatrices(): number {
  return [...pools.values()].reduce((n, p) => n + p.free.length, 0);
}

function dropPool(key: string): void {
  const pool = pools.get(key);
  if (!pool) return;
  clearTimeout(pool.timer);
  pools.delete(key);
  for (const m of pool.free) m.dispose();
}
