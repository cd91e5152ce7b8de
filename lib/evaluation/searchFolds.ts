import { loadFeatureMatrix } from '../features/matrix';
import { selectLabelledRows, type DenseMatrix } from '../features/rows';
import { runHoldoutSplit, walkForwardFolds, WALK_FORWARD_FOLDS, type Fold } from './folds';

/** The training window of a feature set (holdout cut off) and its walk-forward folds. */
export interface SearchFolds {
  train: { X: DenseMatrix; y: Float32Array; dates: string[] };
  folds: Fold[];
}

export interface SearchFoldsInput {
  /** The stored feature set and its SHA-256: content-addressed, so the hash names the data. */
  path: string;
  sha256: string;
  holdout: string;
  labelHorizon: number;
  minHoldoutRows: number;
}

interface Entry {
  folds: Promise<SearchFolds>;
  timer?: NodeJS.Timeout;
}

const entries = new Map<string, Entry>();
/** A search's folds stay loaded while its trials keep coming; this long after the last use they go. */
export const SEARCH_FOLDS_IDLE_MS = 60_000;
const MAX_ENTRIES = 2;

/**
 * What every fold of every trial of a search trains and scores on, read, split and cut once per
 * worker process instead of once per fold activity (80 times in a 20-trial search). The copy is
 * dropped after SEARCH_FOLDS_IDLE_MS without use, so an idle worker holds no feature data.
 */
export function searchFolds(o: SearchFoldsInput): Promise<SearchFolds> {
  const key = [o.sha256, o.holdout, o.labelHorizon, o.minHoldoutRows].join('|');
  let entry = entries.get(key);
  if (!entry) {
    entry = { folds: loadSearchFolds(o) };
    entries.set(key, entry);
    // A failed load is not kept: the next attempt reads again.
    entry.folds.catch(() => entries.delete(key));
    for (const old of [...entries.keys()].slice(0, Math.max(0, entries.size - MAX_ENTRIES))) dropSearchFolds(old);
  } else {
    // Most recently used last, for the eviction above.
    entries.delete(key);
    entries.set(key, entry);
  }
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => dropSearchFolds(key), SEARCH_FOLDS_IDLE_MS);
  entry.timer.unref();
  return entry.folds;
}

/** Forget every cached search (tests, and a worker that wants its memory back now). */
export function clearSearchFolds(): void {
  for (const key of [...entries.keys()]) dropSearchFolds(key);
}

function dropSearchFolds(key: string): void {
  clearTimeout(entries.get(key)?.timer);
  entries.delete(key);
}

async function loadSearchFolds(o: SearchFoldsInput): Promise<SearchFolds> {
  const all = await loadFeatureMatrix(o.path, { labelledOnly: true });
  const train = selectLabelledRows(all, runHoldoutSplit(all, o).trainIdx);
  return { train, folds: walkForwardFolds({ dates: train.dates, nFolds: WALK_FORWARD_FOLDS, purgeGap: o.labelHorizon }) };
}
