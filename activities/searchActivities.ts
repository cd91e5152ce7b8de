import { join } from 'node:path';
import { modelLinePaths } from '../lib/config/paths';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from '../lib/config/pipeline';
import { checkStageSettings, type TrialSettings } from '../lib/config/stageSettings';
import { classificationMetrics, searchFolds, WALK_FORWARD_FOLDS } from '../lib/evaluation';
import { selectLabelledRows } from '../lib/features';
import { externalParams, studyToJournal, TrialState, type StudyState } from '../lib/hyperopt';
import { mlflowFromEnv, trackSearch } from '../lib/mlflow';
import { writeFileAtomic } from '../lib/util';
import { engineFor } from '../lib/engine';
import { releaseMemoryWhenQuiet } from '../lib/runs/memory';
import { engineNameFor } from '../lib/engine/searchSpace';
import { prunedBySnapshot, SEARCH_OBJECTIVE, type PruningSnapshot } from '../lib/hpo';
import type { FeatureSetRef, Hyperparams } from '../lib/pipeline/types';
import type { ActivityDeps } from './deps';
import { cancellationSignal, heartbeat, previousHeartbeat, progressHeartbeat } from './heartbeat';
import { writeBestParamsStored } from './bestParamsFile';
import { displayLocation, localFile, publish } from './storeFiles';

/** What one walk-forward fold of a trial is scored on. */
export interface FoldInput {
  features: FeatureSetRef;
  settings: TrialSettings;
  params: Hyperparams;
}

export interface WriteSearchResultsInput {
  pipelineId: string;
  /** The model line whose best_hyperparameters.json this search writes. */
  modelName: string;
  studyName: string;
  state: StudyState;
  best: { params: Hyperparams; value: number; trialNumber: number } | null;
  dataWindow: { start: string; end: string };
  /** Recorded in best_hyperparameters.json so a run of another engine refuses it (given with the best trial). */
  modelType?: PipelineConfig['modelType'];
}

export interface EvaluateTrialInput {
  features: FeatureSetRef;
  settings: TrialSettings;
  params: Hyperparams;
  /** The trial's number (for its summary, logs and heartbeats). */
  trial: number;
  /** How the trial prunes itself between folds (lib/hpo/trialPruning). */
  pruning: PruningSnapshot;
}

export interface FoldScore {
  logLoss: number;
  accuracy: number;
  baselineAccuracy: number;
}

export interface TrialScores {
  /** One per fold evaluated, in order (fewer than the folds when pruned). */
  folds: FoldScore[];
  pruned: boolean;
}

/** One walk-forward fold of a trial, on the training window only (the holdout is cut off first, exactly as in the train stage). */
export async function scoreFold(
  deps: ActivityDeps,
  { features, settings: config, params }: FoldInput,
  fold: number,
  onRound: (round: number) => void,
): Promise<FoldScore> {
  // Read and cut once per search in this worker (lib/evaluation/searchFolds), not once per fold.
  const { train, folds } = await searchFolds({
    path: await localFile(deps, features),
    sha256: features.sha256,
    holdout: config.holdout,
    labelHorizon: config.labelHorizon,
    minHoldoutRows: config.minHoldoutRows,
  });
  const f = folds[fold]!;
  const fit = await engineFor(config.modelType).train({
    train: selectLabelledRows(train, f.trainIdx),
    modelType: config.modelType,
    params,
    seed: config.seed,
    // Every trial trains on this fold's rows: the engine may keep what it built from them.
    trainMatrixKey: [features.sha256, config.holdout, config.labelHorizon, config.minHoldoutRows, `fold ${fold}`].join('|'),
    signal: cancellationSignal(),
    onRound: ({ round }) => onRound(round),
  });
  try {
    const test = selectLabelledRows(train, f.testIdx);
    const m = classificationMetrics(test.y, await fit.predict(test.X));
    return { logLoss: m.logLoss, accuracy: m.accuracy, baselineAccuracy: m.baselineAccuracy };
  } finally {
    fit.dispose();
    // Once the search goes quiet, give the folds' garbage back to the OS (lib/runs/memory).
    releaseMemoryWhenQuiet();
  }
}

/** Folds a previous attempt of this trial finished (its heartbeat details), if they look like ours. */
function foldsDoneBefore(): FoldScore[] {
  const d = previousHeartbeat() as { folds?: unknown } | undefined;
  if (!d || !Array.isArray(d.folds)) return [];
  const ok = d.folds.every(
    (f: unknown) =>
      f !== null &&
      typeof f === 'object' &&
      ['logLoss', 'accuracy', 'baselineAccuracy'].every((k) => typeof (f as Record<string, unknown>)[k] === 'number'),
  );
  return ok ? (d.folds as FoldScore[]).slice(0, WALK_FORWARD_FOLDS) : [];
}

export function searchActivities(deps: ActivityDeps) {
  return {
    /**
     * Every walk-forward fold of one trial, in order, pruning itself between folds as the search's
     * median pruner would (on the trials complete when it started). One activity per trial instead of
     * one per fold: a fold no longer waits for a workflow task and a dispatch (bench/hpo). Each
     * finished fold is heartbeated, so a retry (a killed worker) resumes at the next fold.
     */
    async evaluateTrial({ features, settings, params, trial, pruning }: EvaluateTrialInput): Promise<TrialScores> {
      const config = checkStageSettings('trial', settings);
      const done = foldsDoneBefore();
      // The running mean after each fold: the trial's intermediate values, as the workflow reports them.
      const intermediate: Record<number, number> = {};
      let sum = 0;
      done.forEach((f, k) => (intermediate[k] = (sum += f.logLoss) / (k + 1)));
      for (;;) {
        const k = done.length;
        // Checked after every fold but the last, also the last one a previous attempt finished.
        if (k > 0 && k < WALK_FORWARD_FOLDS && prunedBySnapshot(pruning, intermediate)) return { folds: done, pruned: true };
        if (k >= WALK_FORWARD_FOLDS) return { folds: done, pruned: false };
        // Details are copies: the SDK may convert a heartbeat's details after this array has grown.
        const before = [...done];
        const score = await scoreFold(deps, { features, settings: config, params }, k, (round) =>
          progressHeartbeat({ trial, folds: before, fold: k, round }),
        );
        done.push(score);
        intermediate[k] = (sum += score.logLoss) / (k + 1);
        heartbeat({ trial, folds: [...done] });
      }
    },

    /** The journal (Optuna format, loadable by optuna / optuna-dashboard) and best_hyperparameters.json, atomically. */
    async writeSearchResults(input: WriteSearchResultsInput): Promise<{ journal: string; best: string | null; bestNote?: string }> {
      const line = modelLinePaths(deps.paths, input.modelName ?? DEFAULT_PIPELINE_CONFIG.modelName);
      const dir = line.studiesDir;
      const journal = join(dir, `${input.studyName}.journal`);
      const lines = studyToJournal({
        studyName: input.studyName,
        direction: input.state.direction,
        trials: input.state.trials,
        workerId: input.pipelineId,
        now: deps.now,
      });
      await writeFileAtomic(journal, `${lines.join('\n')}\n`);
      const journalLocation = displayLocation(await publish(deps, journal));
      if (!input.best) return { journal: journalLocation, best: null };
      // Replaced only by a better score on the same objective and data window (lib/hpo); the old file goes to the history.
      const modelName = input.modelName ?? DEFAULT_PIPELINE_CONFIG.modelName;
      const { decision, location } = await writeBestParamsStored(deps, {
        modelName,
        now: deps.now(),
        next: {
          params: { ...input.best.params },
          value: input.best.value,
          metric: SEARCH_OBJECTIVE,
          trialNumber: input.best.trialNumber,
          studyName: input.studyName,
          dataWindow: input.dataWindow,
          journal: journalLocation,
          pipelineId: input.pipelineId,
          ...(input.modelType ? { modelType: input.modelType, engine: engineNameFor(input.modelType) } : {}),
        },
      });
      deps.logger.info(
        { module: 'hpo', fn: 'writeSearchResults', pipelineId: input.pipelineId, replaced: decision.replaced },
        decision.reason,
      );
      await trackSearchInMlflow(deps, input);
      return { journal: journalLocation, best: location, bestNote: decision.reason };
    },
  };
}

/** Parent run + one nested run per trial when MLFLOW_TRACKING_URI is set; a failure is logged, never fatal. */
async function trackSearchInMlflow(deps: ActivityDeps, input: WriteSearchResultsInput): Promise<void> {
  const client = mlflowFromEnv(deps.env, { fetch: deps.fetch });
  if (!client || !input.best) return;
  const outcome = await trackSearch(client, {
    modelName: input.modelName ?? DEFAULT_PIPELINE_CONFIG.modelName,
    searchId: input.pipelineId,
    studyName: input.studyName,
    objective: SEARCH_OBJECTIVE,
    direction: input.state.direction,
    dataWindow: input.dataWindow,
    best: { number: input.best.trialNumber, value: input.best.value },
    trials: input.state.trials.map((t) => ({
      number: t.number,
      state: TrialState[t.state] as 'COMPLETE',
      value: t.value,
      params: externalParams(t) as Record<string, string | number>,
      foldValues: Object.entries(t.intermediateValues)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, v]) => v),
      ...(t.failReason ? { failReason: t.failReason } : {}),
    })),
  });
  if (!outcome.ok)
    deps.logger.warn(
      { module: 'mlflow', fn: 'trackSearch', pipelineId: input.pipelineId, error: outcome.error },
      'MLflow tracking of the search failed; its results are in the journal',
    );
}
