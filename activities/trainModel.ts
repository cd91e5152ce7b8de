import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkStageSettings, type TrainSettings } from '../lib/config/stageSettings';
import { runHoldoutSplit, walkForward, walkForwardFolds, WALK_FORWARD_FOLDS } from '../lib/evaluation';
import { buildReferenceProfileYielding, columnsOf, DEFAULT_DRIFT_WINDOW_DAYS } from '../lib/drift';
import { loadFeatureMatrix, selectLabelledRows } from '../lib/features';
import { describeFit, engineFor, fullRetrainSide, warmStartBase, WARM_START_FILE, type Engine, type WarmStartReport } from '../lib/engine';
import { loadBestParams } from '../lib/hpo';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util';
import type { CandidateRef, FeatureSetRef, Hyperparams } from '../lib/pipeline/types';
import type { ActivityDeps } from './deps';
import { cancellationSignal, heartbeat } from './heartbeat';
import { registryFor } from './registry';
import { releaseMemoryWhenQuiet } from '../lib/runs/memory';
import { bestParamsLocal } from './bestParamsFile';
import { localEntry, localFile, publish } from './storeFiles';

export interface TrainModelInput {
  pipelineId: string;
  features: FeatureSetRef;
  settings: TrainSettings;
  /** Parameters chosen by a hyperparameter search in this run (take precedence). */
  params?: Hyperparams;
}

export function trainModelActivity(deps: ActivityDeps) {
  return async function trainModel({ pipelineId, features, settings, params: searched }: TrainModelInput): Promise<CandidateRef> {
    const config = checkStageSettings('train', settings);
    const log = deps.logger.child({ module: 'train', pipelineId });
    const signal = cancellationSignal();
    const engine = engineFor(config.modelType);
    const all = await loadFeatureMatrix(await localFile(deps, features), { labelledOnly: true });
    const split = runHoldoutSplit(all, config);
    const train = selectLabelledRows(all, split.trainIdx);

    const { params, source } = await chooseParams({ deps, config, engine, searched, log });
    // --warm-start: checked before any training, so a refusal (schema change …) costs nothing.
    const production = config.warmStart ? await (await registryFor(deps, config.modelName)).production() : null;
    const warm = config.warmStart
      ? await warmStartBase(production && (await localEntry(deps, production)), {
          modelType: config.modelType,
          featureNames: all.X.featureNames,
          schemaHash: features.schemaHash,
          holdoutStart: split.holdoutStart,
        })
      : undefined;

    // Walk-forward CV on the training window only: the holdout stays unseen until the backtest.
    const folds = walkForwardFolds({ dates: train.dates, nFolds: WALK_FORWARD_FOLDS, purgeGap: config.labelHorizon });
    const cv = await walkForward({
      folds,
      y: train.y,
      fitPredict: async (trainIdx, testIdx) => {
        const fit = await engine.train({
          train: selectLabelledRows(train, trainIdx),
          modelType: config.modelType,
          params,
          seed: config.seed,
          signal,
        });
        try {
          heartbeat({ step: 'cv' });
          return await fit.predict(selectLabelledRows(train, testIdx).X);
        } finally {
          fit.dispose();
        }
      },
    });
    log.info({ cv: cv.mean }, 'walk-forward cross-validation done');

    // Final model: early stopping on the last fold's dates (after the purge gap), then saved.
    const last = folds[folds.length - 1]!;
    const total = params.nEstimators;
    const finalTraining = {
      train: selectLabelledRows(train, last.trainIdx),
      valid: selectLabelledRows(train, last.testIdx),
      modelType: config.modelType,
      params,
      earlyStoppingRounds: 20,
      seed: config.seed,
      signal,
      onRound: ({ round }: { round: number }) => heartbeat({ step: 'train', round, total }),
    };
    const started = performance.now();
    const fit = await engine.train({ ...finalTraining, initModel: warm?.model });
    const trainSeconds = (performance.now() - started) / 1000;
    try {
      const dir = join(deps.paths.runsDir, pipelineId, 'candidate');
      await mkdir(dir, { recursive: true });
      const native = fit.nativeModel();
      const modelPath = join(dir, native.fileName);
      const onnxPath = join(dir, 'model.onnx');
      await writeFileAtomic(modelPath, native.content);
      const engineVersion = engine.version();
      const onnx = fit.exportOnnx({
        featureNames: all.X.featureNames,
        metadata: {
          schema_hash: features.schemaHash,
          model_type: config.modelType,
          run_id: pipelineId,
          engine: engine.name,
          engine_version: engineVersion,
        },
      });
      await writeFileAtomic(onnxPath, onnx);
      // Small and useful next to the model (gain per feature); not passed through the workflow.
      const importancePath = join(dir, 'feature_importance.json');
      await writeJsonAtomic(importancePath, {
        engine: engine.name,
        type: 'total_gain',
        importance: fit.featureImportance(),
      });
      let warmStartRef: CandidateRef['warmStart'];
      if (warm) {
        // Warm start vs (with --compare-full) a from-scratch retrain on the same data, for the report.
        const holdout = selectLabelledRows(all, split.holdoutIdx);
        const full = config.compareFull ? await fullRetrainSide(engine, { train: finalTraining, holdout }) : undefined;
        const report: WarmStartReport = {
          from: warm.version,
          warm: await describeFit(fit, { seconds: trainSeconds, holdout }),
          ...(full ? { full } : {}),
        };
        await writeJsonAtomic(join(dir, WARM_START_FILE), report);
        warmStartRef = await publish(deps, join(dir, WARM_START_FILE));
        log.info({ from: warm.version, baseRounds: fit.baseRounds, warm: report.warm, full: report.full }, 'warm start done');
      }
      // The reference for drift monitoring: training-window features, and predictions on the
      // validation fold, which the trees were not fitted on (in-sample scores are more extreme
      // than anything the model will produce on new data, so they would read as drift).
      const profilePath = join(dir, 'reference_profile.json');
      const validation = selectLabelledRows(train, last.testIdx);
      const oosPredictions = Float32Array.from(await fit.predict(validation.X));
      await writeJsonAtomic(
        profilePath,
        // Calibrated one feature at a time, so the worker keeps heartbeating (seconds per feature under load).
        await buildReferenceProfileYielding({
          featureNames: train.X.featureNames,
          columns: columnsOf(train.X),
          predictions: oosPredictions,
          labels: train.y,
          calibration: { dates: train.dates, windowDays: DEFAULT_DRIFT_WINDOW_DAYS },
        }),
      );
      // Every file leaves this worker's scratch space through the store: the next stage may run elsewhere.
      const ref: CandidateRef = {
        model: await publish(deps, modelPath),
        onnx: await publish(deps, onnxPath),
        profile: await publish(deps, profilePath),
        importance: await publish(deps, importancePath),
        ...(warmStartRef ? { warmStart: warmStartRef } : {}),
        modelType: config.modelType,
        params,
        paramsSource: source,
        bestIteration: fit.bestIteration,
        rounds: fit.rounds,
        trainRows: split.trainIdx.length,
        trainWindow: { start: train.dates[0]!, end: split.trainEnd },
        holdoutWindow: { start: split.holdoutStart, end: split.holdoutEnd },
        cv: { ...cv.mean, folds: folds.length },
        xgboostVersion: engine.name === 'xgboost' ? engineVersion : 'none',
        engine: engine.name,
        engineVersion,
        schemaHash: features.schemaHash,
      };
      await writeJsonAtomic(join(dir, 'candidate.json'), ref);
      await publish(deps, join(dir, 'candidate.json'));
      log.info(
        {
          engine: engine.name,
          engineVersion,
          rounds: ref.rounds,
          bestIteration: ref.bestIteration,
          cvAccuracy: ref.cv.accuracy,
          baseline: ref.cv.baselineAccuracy,
        },
        'candidate trained',
      );
      return ref;
    } finally {
      fit.dispose();
      // The feature matrix, fold copies and native handles of this run are garbage now (lib/runs/memory).
      releaseMemoryWhenQuiet();
    }
  };
}

/**
 * Searched parameters first; then best_hyperparameters.json when --use-best (lib/hpo: a file of
 * another engine or with wrong names or types stops the run as a ConfigError); else the defaults.
 */
async function chooseParams(o: {
  deps: ActivityDeps;
  config: Pick<TrainSettings, 'useBest' | 'modelName' | 'modelType'>;
  engine: Engine;
  searched?: Hyperparams;
  log: { warn: (obj: object, msg: string) => void };
}): Promise<{ params: Hyperparams; source: CandidateRef['paramsSource'] }> {
  if (o.searched) return { params: o.searched, source: 'search' };
  // A malformed or foreign file is a ConfigError (the CLI checks it before starting, too).
  const best = o.config.useBest
    ? loadBestParams({ path: await bestParamsLocal(o.deps, o.config.modelName), modelType: o.config.modelType })
    : undefined;
  if (best) return { params: best.params, source: 'best_hyperparameters.json' };
  return { params: o.engine.defaultHyperparams(o.config.modelType), source: 'default' };
}
