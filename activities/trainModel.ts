import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineConfig } from '../lib/config/pipeline';
import { splitHoldout, walkForward, walkForwardFolds } from '../lib/evaluation';
import { buildReferenceProfile, columnsOf } from '../lib/drift';
import { loadFeatureMatrix } from '../lib/features';
import { exportToOnnx } from '../lib/onnx';
import { defaultHyperparams, trainModel as trainBooster, xgboostVersion, type Dataset, type Matrix } from '../lib/xgboost';
import { sha256File, writeFileAtomic, writeJsonAtomic } from '../lib/util';
import type { CandidateRef, FeatureSetRef, Hyperparams } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { cancellationSignal, heartbeat } from './heartbeat';

export interface TrainModelInput {
  runId: string;
  features: FeatureSetRef;
  config: PipelineConfig;
  /** Parameters chosen by a hyperparameter search in this run (take precedence). */
  params?: Hyperparams;
}

const CV_FOLDS = 4;

export function trainModelActivity(deps: ActivityDeps) {
  return async function trainModel({ runId, features, config, params: searched }: TrainModelInput): Promise<CandidateRef> {
    const log = deps.logger.child({ module: 'train', runId });
    const signal = cancellationSignal();
    const all = await loadFeatureMatrix(features.path, { labelledOnly: true });
    const split = splitHoldout({ dates: all.dates, holdout: config.holdout, purgeGap: config.labelHorizon, y: all.y, minRows: config.minHoldoutRows });
    const train = subset(all, split.trainIdx);

    const { params, source } = await chooseParams(deps, config, searched);
    const xgbParams = { ...params, seed: config.seed };

    // Walk-forward CV on the training window only: the holdout stays unseen until the backtest.
    const folds = walkForwardFolds({ dates: train.dates, nFolds: CV_FOLDS, purgeGap: config.labelHorizon });
    const cv = await walkForward({
      folds,
      y: train.y,
      fitPredict: async (trainIdx, testIdx) => {
        const fit = await trainBooster({ train: subset(train, trainIdx), modelType: config.modelType, params: xgbParams, seed: config.seed, signal });
        try {
          heartbeat({ step: 'cv' });
          return await fit.booster.predict(subset(train, testIdx).X);
        } finally {
          fit.booster.dispose();
        }
      },
    });
    log.info({ cv: cv.mean }, 'walk-forward cross-validation done');

    // Final model: early stopping on the last fold's dates (after the purge gap), then saved.
    const last = folds[folds.length - 1]!;
    const total = params.nEstimators;
    const fit = await trainBooster({
      train: subset(train, last.trainIdx),
      valid: subset(train, last.testIdx),
      modelType: config.modelType,
      params: xgbParams,
      earlyStoppingRounds: 20,
      seed: config.seed,
      signal,
      onRound: ({ round }) => heartbeat({ step: 'train', round, total }),
    });
    try {
      const dir = join(deps.paths.runsDir, runId, 'candidate');
      await mkdir(dir, { recursive: true });
      const modelPath = join(dir, 'model.json');
      const onnxPath = join(dir, 'model.onnx');
      const json = fit.booster.toJson();
      await writeFileAtomic(modelPath, json);
      const onnx = exportToOnnx(json, {
        featureNames: all.X.featureNames,
        metadata: { schema_hash: features.schemaHash, model_type: config.modelType, run_id: runId },
      });
      await writeFileAtomic(onnxPath, onnx);
      // The reference for drift monitoring: training-window features, and predictions on the
      // validation fold, which the trees were not fitted on (in-sample scores are more extreme
      // than anything the model will produce on new data, so they would read as drift).
      const profilePath = join(dir, 'reference_profile.json');
      const validation = subset(train, last.testIdx);
      const oosPredictions = await fit.booster.predict(validation.X);
      await writeJsonAtomic(profilePath, buildReferenceProfile({ featureNames: train.X.featureNames, columns: columnsOf(train.X), predictions: oosPredictions, labels: train.y }));
      const ref: CandidateRef = {
        dir,
        model: { path: modelPath, sha256: await sha256File(modelPath) },
        onnx: { path: onnxPath, sha256: await sha256File(onnxPath) },
        profile: { path: profilePath, sha256: await sha256File(profilePath) },
        modelType: config.modelType,
        params,
        paramsSource: source,
        bestIteration: fit.bestIteration,
        rounds: fit.rounds,
        trainRows: split.trainIdx.length,
        trainWindow: { start: train.dates[0]!, end: split.trainEnd },
        holdoutWindow: { start: split.holdoutStart, end: split.holdoutEnd },
        cv: { ...cv.mean, folds: folds.length },
        xgboostVersion: xgboostVersion(),
        schemaHash: features.schemaHash,
      };
      await writeJsonAtomic(join(dir, 'candidate.json'), ref);
      log.info({ rounds: ref.rounds, bestIteration: ref.bestIteration, cvAccuracy: ref.cv.accuracy, baseline: ref.cv.baselineAccuracy }, 'candidate trained');
      return ref;
    } finally {
      fit.booster.dispose();
    }
  };
}

async function chooseParams(deps: ActivityDeps, config: PipelineConfig, searched?: Hyperparams): Promise<{ params: Hyperparams; source: CandidateRef['paramsSource'] }> {
  if (searched) return { params: searched, source: 'search' };
  const bestPath = join(deps.paths.stateDir, 'best_hyperparameters.json');
  if (config.useBest && existsSync(bestPath)) {
    const best = JSON.parse(await readFile(bestPath, 'utf8')) as { params: Hyperparams };
    return { params: { ...defaultHyperparams, ...best.params }, source: 'best_hyperparameters.json' };
  }
  return { params: { ...defaultHyperparams }, source: 'default' };
}

interface Rows {
  X: Matrix;
  y: Float32Array;
  dates: string[];
}

/** Select rows (by index) of a row-major matrix and its labels. */
export function subset(m: Rows, idx: ArrayLike<number>): Dataset & { dates: string[] } {
  const cols = m.X.cols;
  const data = new Float32Array(idx.length * cols);
  const y = new Float32Array(idx.length);
  const dates = new Array<string>(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    data.set(m.X.data.subarray(r * cols, (r + 1) * cols), i * cols);
    y[i] = m.y[r]!;
    dates[i] = m.dates[r]!;
  }
  return { X: { data, rows: idx.length, cols, featureNames: m.X.featureNames }, y, dates };
}

