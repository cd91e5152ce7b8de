import { readFile } from 'node:fs/promises';
import type { ModelType } from '../config/pipeline';
import { MODEL_JSON } from '../registry/layout';
import type { ModelEntry } from '../registry/types';
import { ConfigError } from '../util/errors';
import { engineNameFor } from './searchSpace';

/** The production model a warm start continues from, checked against the run. */
export interface WarmStartBase {
  version: string;
  model: { fileName: string; content: Uint8Array };
}

export interface WarmStartRun {
  modelType: ModelType;
  /** The feature set this run trains on. */
  featureNames: string[];
  schemaHash: string;
  /** First day of this run's holdout: the base model must not have been trained on it. */
  holdoutStart: string;
}

/**
 * The production model as the base of a warm start, or a ConfigError saying why it cannot be:
 * no production model, another model type, a different feature schema (the trees split on
 * column positions, so continuing them on other columns would be silently wrong), or a training
 * window reaching into this run's holdout (the holdout would no longer be unseen).
 */
export async function warmStartBase(production: ModelEntry | null, run: WarmStartRun): Promise<WarmStartBase> {
  const refuse = (why: string): never => {
    throw new ConfigError(`--warm-start refused: ${why}; train from scratch (without --warm-start)`);
  };
  if (!production) return refuse('there is no production model to continue from');
  const md = production.metadata;
  if (md.modelType !== run.modelType)
    return refuse(`production ${production.version} is a ${md.modelType} model and this run trains ${run.modelType}`);
  if (md.schemaHash !== run.schemaHash) {
    const theirs = (md.featureSchema as { names?: string[] } | undefined)?.names ?? [];
    const added = run.featureNames.filter((n) => !theirs.includes(n));
    const removed = theirs.filter((n) => !run.featureNames.includes(n));
    const diff = [
      added.length ? `added ${added.join(', ')}` : '',
      removed.length ? `removed ${removed.join(', ')}` : '',
      !added.length && !removed.length ? 'same names, other order or types' : '',
    ]
      .filter(Boolean)
      .join('; ');
    return refuse(
      `the feature schema changed since production ${production.version} (${diff}; schema ${md.schemaHash.slice(0, 12)} → ${run.schemaHash.slice(0, 12)})`,
    );
  }
  const trainEnd = (md.extra?.trainWindow as { end?: string } | undefined)?.end ?? md.dataSource.window.end;
  if (trainEnd >= run.holdoutStart)
    return refuse(
      `production ${production.version} was trained on data up to ${trainEnd}, inside this run's holdout (from ${run.holdoutStart})`,
    );
  // The registry keeps every engine's native model as model.json (a LightGBM one holds model text).
  const file = production.files[MODEL_JSON] ?? production.files[NATIVE_FILE.lightgbm];
  if (!file) return refuse(`production ${production.version} has no native model file`);
  const content = new Uint8Array(await readFile(file.location));
  // The engine gets the file under the name its nativeModel() gave it, as EngineTrainOptions.initModel says.
  return { version: production.version, model: { fileName: NATIVE_FILE[engineNameFor(run.modelType)], content } };
}

/** Each engine's own name for its native model (TrainedModel.nativeModel().fileName). */
const NATIVE_FILE = { xgboost: 'model.json', lightgbm: 'model.txt' } as const;
