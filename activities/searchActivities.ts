import { join } from 'node:path';
import { modelLinePaths } from '../lib/config/paths';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from '../lib/config/pipeline';
import { classificationMetrics, splitHoldout, walkForwardFolds } from '../lib/evaluation';
import { loadFeatureMatrix } from '../lib/features';
import { studyToJournal, type StudyState } from '../lib/hyperopt';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util';
import { engineFor } from '../lib/engine';
import type { FeatureSetRef, Hyperparams } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { cancellationSignal, heartbeat } from './heartbeat';
import { subset } from './trainModel';

export const SEARCH_FOLDS = 4;

export interface EvaluateFoldInput {
  features: FeatureSetRef;
  config: PipelineConfig;
  params: Hyperparams;
  fold: number;
}

export interface WriteSearchResultsInput {
  runId: string;
  /** The model line whose best_hyperparameters.json this search writes (absent in searches started before model lines). */
  modelName?: string;
  studyName: string;
  state: StudyState;
  best: { params: Hyperparams; value: number; trialNumber: number } | null;
  dataWindow: { start: string; end: string };
}

/**
 * One walk-forward fold of one trial, on the training window only (the holdout is cut off first,
 * exactly as in the train stage, so tuning never sees it). Returns the fold's log loss and accuracy.
 */
export function searchActivities(deps: ActivityDeps) {
  return {
    async evaluateFold({ features, config, params, fold }: EvaluateFoldInput): Promise<{ logLoss: number; accuracy: number; baselineAccuracy: number }> {
      const all = await loadFeatureMatrix(features.path, { labelledOnly: true });
      const split = splitHoldout({ dates: all.dates, holdout: config.holdout, purgeGap: config.labelHorizon, y: all.y, minRows: config.minHoldoutRows });
      const train = subset(all, split.trainIdx);
      const folds = walkForwardFolds({ dates: train.dates, nFolds: SEARCH_FOLDS, purgeGap: config.labelHorizon });
      const f = folds[fold]!;
      const fit = await engineFor(config.modelType).train({
        train: subset(train, f.trainIdx),
        modelType: config.modelType,
        params,
        seed: config.seed,
        signal: cancellationSignal(),
        onRound: ({ round }) => heartbeat({ fold, round }),
      });
      try {
        const test = subset(train, f.testIdx);
        const m = classificationMetrics(test.y, await fit.predict(test.X));
        return { logLoss: m.logLoss, accuracy: m.accuracy, baselineAccuracy: m.baselineAccuracy };
      } finally {
        fit.dispose();
      }
    },

    /** The journal (Optuna format, loadable by optuna / optuna-dashboard) and best_hyperparameters.json, atomically. */
    async writeSearchResults(input: WriteSearchResultsInput): Promise<{ journal: string; best: string | null }> {
      const line = modelLinePaths(deps.paths, input.modelName ?? DEFAULT_PIPELINE_CONFIG.modelName);
      const dir = line.studiesDir;
      const journal = join(dir, `${input.studyName}.journal`);
      const lines = studyToJournal({ studyName: input.studyName, direction: input.state.direction, trials: input.state.trials, workerId: input.runId, now: deps.now });
      await writeFileAtomic(journal, `${lines.join('\n')}\n`);
      let best: string | null = null;
      if (input.best) {
        best = line.bestHyperparams;
        await writeJsonAtomic(best, { params: input.best.params, value: input.best.value, metric: 'walk-forward log loss', trialNumber: input.best.trialNumber, studyName: input.studyName, dataWindow: input.dataWindow, journal, runId: input.runId });
      }
      return { journal, best };
    },
  };
}
