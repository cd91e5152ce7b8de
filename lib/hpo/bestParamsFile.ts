import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelType } from '../config/schema';
import { modelLinePaths, type Paths } from '../config/paths';
import { engineNameFor, type Hyperparams, type EngineName } from '../engine/searchSpace';
import { defaultLgbHyperparams, validateHyperparams as validateLgbHyperparams } from '../lightgbm/params';
import type { LgbHyperparams } from '../lightgbm/types';
import { ConfigError } from '../util/errors';
import { parseJsonText } from '../util/jsonFile';
import { defaultHyperparams, validateXgbHyperparams } from '../xgboost/params';
import type { XgbHyperparams } from '../xgboost/types';

/** The objective every search minimises (workflows/hyperparameterSearch.ts); scores of other objectives are not comparable. */
export const SEARCH_OBJECTIVE = 'walk-forward log loss';

/** Each engine's parameter names, checked complete against its type; true = a whole number. */
const XGB: Record<keyof XgbHyperparams, boolean> = {
  nEstimators: true,
  maxDepth: true,
  learningRate: false,
  minChildWeight: false,
  subsample: false,
  colsampleBytree: false,
  regLambda: false,
  regAlpha: false,
  gamma: false,
};
const LGB: Record<keyof LgbHyperparams, boolean> = {
  nEstimators: true,
  numLeaves: true,
  learningRate: false,
  minChildSamples: true,
  featureFraction: false,
  baggingFraction: false,
  lambdaL1: false,
  lambdaL2: false,
  maxDepth: true,
};
const NAMES: Record<EngineName, Record<string, boolean>> = { xgboost: XGB, lightgbm: LGB };

export const bestParamsFileSchema = z
  .object({
    params: z.record(z.string(), z.unknown()),
    value: z.number().refine(Number.isFinite, 'expected a finite score'),
    metric: z.string().min(1),
    trialNumber: z.number().int().min(0).optional(),
    studyName: z.string().optional(),
    dataWindow: z.object({ start: z.string(), end: z.string() }).optional(),
    modelType: z.string().optional(),
    engine: z.enum(['xgboost', 'lightgbm']).optional(),
    journal: z.string().optional(),
    runId: z.string().optional(),
    writtenAt: z.string().optional(),
  })
  .passthrough();

export type BestParamsFile = z.output<typeof bestParamsFileSchema>;

/** The model line's file; a search from before model lines left it in the state folder. */
export function bestParamsPath(paths: Paths, modelName: string): string {
  const line = modelLinePaths(paths, modelName).bestHyperparams;
  const legacy = join(paths.stateDir, 'best_hyperparameters.json');
  return existsSync(line) || !existsSync(legacy) ? line : legacy;
}

/**
 * The file's text → its record and the hyperparameters for `modelType`. A malformed file, a
 * parameter the engine does not have (another engine's file) or a value of the wrong type is a
 * ConfigError naming the file and the parameter (exit 3).
 */
export function parseBestParams(o: { text: string; file: string; modelType: ModelType }): {
  file: BestParamsFile;
  params: Hyperparams;
} {
  const file = parseJsonText({ text: o.text, file: o.file, schema: bestParamsFileSchema });
  const engine = engineNameFor(o.modelType);
  if (file.engine !== undefined && file.engine !== engine) {
    throw new ConfigError(
      `${o.file}: written by a ${file.engine} search, but --model-type ${o.modelType} trains with ${engine}; run \`trainctl hpo start --model-type ${o.modelType}\` or drop --use-best`,
    );
  }
  const names = NAMES[engine];
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(file.params)) {
    if (!(key in names)) {
      const other = Object.entries(NAMES).find(([, n]) => key in n)?.[0];
      throw new ConfigError(
        `${o.file}: parameter "${key}" is not a ${engine} hyperparameter${other ? ` (it is ${other}'s: a file of another engine)` : ''}; expected some of ${Object.keys(names).join(', ')}`,
      );
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new ConfigError(`${o.file}: parameter "${key}" = ${JSON.stringify(value)?.slice(0, 40)}: expected a number`);
    if (names[key] && !Number.isInteger(value)) throw new ConfigError(`${o.file}: parameter "${key}" = ${value}: expected a whole number`);
    if (value < 0) throw new ConfigError(`${o.file}: parameter "${key}" = ${value}: expected a number ≥ 0`);
    out[key] = value;
  }
  const defaults: Hyperparams = engine === 'lightgbm' ? defaultLgbHyperparams : defaultHyperparams;
  const params = { ...defaults, ...out };
  // In range for the engine (subsample 5, depth 0, learning rate 0 …): refused before anything starts.
  try {
    if (engine === 'lightgbm') validateLgbHyperparams(params);
    else validateXgbHyperparams(params);
  } catch (err) {
    throw new ConfigError(`${o.file}: ${(err as Error).message}`);
  }
  return { file, params };
}

/**
 * `--use-best` before anything starts: the file's parameters for this model type, or undefined
 * when there is no file (the run trains with the defaults); a bad file is a ConfigError.
 */
export function loadBestParams(o: { path: string; modelType: ModelType }): ReturnType<typeof parseBestParams> | undefined {
  if (!existsSync(o.path)) return undefined;
  let text: string;
  try {
    text = readFileSync(o.path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${o.path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseBestParams({ text, file: o.path, modelType: o.modelType });
}

/** `run`/`start`/`schedule create` with --use-best: a bad file exits 3 before anything starts. */
export function checkUseBest(config: { useBest: boolean; optimize: boolean; modelName: string; modelType: ModelType }, paths: Paths): void {
  // With --optimize the search's own parameters are used; the file is not read.
  if (config.useBest && !config.optimize) loadBestParams({ path: bestParamsPath(paths, config.modelName), modelType: config.modelType });
}
