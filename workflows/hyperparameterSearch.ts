import {
  ApplicationFailure,
  makeContinueAsNewFunc,
  defineQuery,
  log,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  condition,
} from '@temporalio/workflow';
import { parseDurationMs, type PipelineConfig } from '../lib/config/pipeline';
import { featureSettings, fetchSettings, trialSettings } from '../lib/config/stageSettings';
import {
  externalParams,
  MedianPruner,
  SearchSpaceError,
  Study,
  TPESampler,
  TrialState,
  type SearchSpace,
  type StudyState,
  type Trial,
} from '../lib/hyperopt';
import { engineHyperparams, searchSpaceFor, suggestEngineParams } from '../lib/engine/searchSpace';
import { WALK_FORWARD_FOLDS } from '../lib/evaluation/folds';
import { pruningSnapshot } from '../lib/hpo/trialPruning';
import { computeOptions, fetchOptions, registryOptions, trialOptions } from './timeouts';
import type { FeatureSetRef, Hyperparams } from './types';
import { activities } from './routing';

export interface SearchInput {
  config: PipelineConfig;
  /** The feature set to tune on; when absent (standalone `trainctl hpo`) it is fetched and built here. */
  features?: FeatureSetRef;
  /** Trials started per workflow run before continuing as new (default 40). */
  trialsPerRun?: number;
  /** Carried across continue-as-new. */
  resume?: { state: StudyState; startedAt: number; features: FeatureSetRef; dataWindow: { start: string; end: string } };
}

export interface SearchStatus {
  studyName: string;
  trials: { number: number; state: string; value: number | null; params: Record<string, unknown>; folds: number; reason?: string }[];
  best: { number: number; value: number; params: Record<string, unknown> } | null;
  finished: boolean;
}

export interface SearchResult {
  params: Hyperparams;
  value: number;
  trialNumber: number;
  studyName: string;
  journal: string;
  bestFile: string | null;
  /** Why best_hyperparameters.json was written, replaced or kept. */
  bestNote?: string;
  completed: number;
  pruned: number;
  failed: number;
}

export const hpoStatusQuery = defineQuery<SearchStatus>('hpoStatus');

/** A trial activity (all its folds) with the trial's time budget as its schedule-to-close timeout. */
const trialWithin = (budgetMs: number) => activities(trialOptions(budgetMs)).evaluateTrial;
/** The pruner's n_startup_trials (also sent to trial activities, which prune themselves). */
const PRUNER_STARTUP_TRIALS = 5;
const fetching = activities(fetchOptions);
const compute = activities(computeOptions);
const io = activities(registryOptions);

/** Continue-as-new well before the history grows large (each trial adds ~10 events per fold). */
const TRIALS_PER_RUN = 40;

/**
 * TPE in the workflow (deterministic: seeded, no I/O); every trial is one activity that evaluates its
 * walk-forward folds and prunes itself between them on a snapshot of the completed trials; a crash
 * loses at most the fold in flight. Objective: mean walk-forward log loss on the training window (minimised).
 */
export async function hyperparameterSearch(input: SearchInput): Promise<SearchResult> {
  const info = workflowInfo();
  const { config } = input;
  const trials = config.trials;
  const parallel = config.hpoParallel;
  const trialTimeoutMs = parseDurationMs(config.trialTimeout)!;
  const timeoutMs = config.searchTimeout === undefined ? undefined : parseDurationMs(config.searchTimeout);
  // The search space is checked before anything runs: a bad range fails the search at once.
  let space: SearchSpace;
  try {
    space = searchSpaceFor(input.config.modelType, input.config.searchSpace);
  } catch (err) {
    if (err instanceof SearchSpaceError) throw ApplicationFailure.nonRetryable(err.message, 'ConfigError');
    throw err;
  }
  const studyName = `${input.config.modelName}-${info.workflowId}`;
  const startedAt = input.resume?.startedAt ?? Date.now();
  let features = input.resume?.features ?? input.features;
  let dataWindow = input.resume?.dataWindow;
  if (!features) {
    const data = await fetching.fetchMarketData({ pipelineId: info.workflowId, settings: fetchSettings(input.config) });
    features = await compute.buildFeatures({ pipelineId: info.workflowId, data, settings: featureSettings(input.config) });
    dataWindow = { start: data.start, end: data.end };
  }
  dataWindow ??= { start: features.start, end: features.end };
  const featureSet = features;

  let study: Study;
  try {
    study = new Study(
      'minimize',
      new TPESampler({ seed: input.config.seed, constantLiar: true }),
      new MedianPruner({ nStartupTrials: PRUNER_STARTUP_TRIALS }),
      input.resume?.state,
    );
  } catch (err) {
    // A study carried over from an older hyperopt-ts (another generator state) cannot be resumed.
    throw ApplicationFailure.nonRetryable(`cannot resume the study: ${(err as Error).message}; start the search again`, 'ConfigError');
  }
  const foldsDone = new Map<number, number>();
  let finished = false;
  setHandler(hpoStatusQuery, (): SearchStatus => {
    const done = study.trials.filter((t) => t.state === TrialState.COMPLETE);
    const best = done.length ? study.bestTrial : null;
    return {
      studyName,
      trials: study.trials.map((t) => ({
        number: t.number,
        state: TrialState[t.state],
        value: t.value,
        params: externalParams(t),
        folds: foldsDone.get(t.number) ?? Object.keys(t.intermediateValues).length,
        ...(t.failReason ? { reason: t.failReason } : {}),
      })),
      best: best ? { number: best.number, value: best.value!, params: externalParams(best) } : null,
      finished,
    };
  });

  const runTrial = async (trial: Trial) => {
    const params = suggestEngineParams(input.config.modelType, trial, space);
    const budget = trialTimeoutMs;
    const trialStart = Date.now();
    let sum = 0;
    try {
      const r = await trialWithin(budget)({
        features: featureSet,
        settings: trialSettings(input.config),
        params,
        trial: trial.number,
        pruning: pruningSnapshot(study, PRUNER_STARTUP_TRIALS),
      });
      // The server's timeout fires on a coarse clock: a trial that ran past its budget fails here too.
      if (Date.now() - trialStart > budget)
        throw new Error(`trial exceeded its time limit of ${budget / 1000} s after ${r.folds.length} of ${WALK_FORWARD_FOLDS} folds`);
      r.folds.forEach((f, k) => trial.report(k, (sum += f.logLoss) / (k + 1)));
      foldsDone.set(trial.number, r.folds.length);
      if (r.pruned) study.tell(trial, { state: TrialState.PRUNED });
      else study.tell(trial, sum / WALK_FORWARD_FOLDS);
    } catch (err) {
      const cause = (err as { cause?: { timeoutType?: unknown } }).cause;
      const reason =
        cause && 'timeoutType' in cause
          ? `trial exceeded its time limit of ${budget / 1000} s (its activity timed out)`
          : String((err as Error).message ?? err);
      study.tell(trial, { state: TrialState.FAIL, reason });
      log.warn('trial failed', { trial: trial.number, error: String(err) });
    }
  };

  const started = () => study.trials.length;
  const timedOut = () => timeoutMs !== undefined && Date.now() - startedAt > timeoutMs;
  let inFlight = 0;
  const startedThisRun = started();
  while (started() < trials && !timedOut() && started() - startedThisRun < (input.trialsPerRun ?? TRIALS_PER_RUN)) {
    await condition(() => inFlight < parallel);
    if (timedOut()) break;
    inFlight++;
    const trial = study.ask();
    void runTrial(trial).finally(() => inFlight--);
    setCurrentDetails(`study ${studyName}: ${started()} / ${trials} trials started`);
  }
  await condition(() => inFlight === 0);

  if (started() < trials && !timedOut()) {
    await io.writeSearchResults({
      pipelineId: info.workflowId,
      modelName: input.config.modelName,
      studyName,
      state: study.toJSON(),
      best: null,
      dataWindow,
    });
    // The next run keeps the memo (the task queues by kind) and starts on the current build.
    const next = makeContinueAsNewFunc<typeof hyperparameterSearch>({
      memo: workflowInfo().memo ?? {},
      initialVersioningBehavior: 'AUTO_UPGRADE',
    });
    await next({
      ...input,
      resume: { state: study.toJSON(), startedAt, features: featureSet, dataWindow },
    });
  }

  const done = study.trials.filter((t) => t.state === TrialState.COMPLETE);
  if (!done.length) {
    // A failure of the search, not of the workflow task (which Temporal would retry forever).
    const reasons = [...new Set(study.trials.map((t) => t.failReason).filter(Boolean))].slice(0, 3).join('; ');
    throw ApplicationFailure.nonRetryable(
      `no trial of ${study.trials.length} completed${reasons ? ` (${reasons})` : ''}; see \`trainctl hpo status ${info.workflowId}\``,
      'SearchFailed',
    );
  }
  const best = study.bestTrial;
  const hp: Hyperparams = engineHyperparams(input.config.modelType, externalParams(best) as Record<string, number>);
  const written = await io.writeSearchResults({
    pipelineId: info.workflowId,
    modelName: input.config.modelName,
    modelType: input.config.modelType,
    studyName,
    state: study.toJSON(),
    best: { params: hp, value: best.value!, trialNumber: best.number },
    dataWindow,
  });
  finished = true;
  const count = (s: TrialState) => study.trials.filter((t) => t.state === s).length;
  return {
    params: hp,
    value: best.value!,
    trialNumber: best.number,
    studyName,
    journal: written.journal,
    bestFile: written.best,
    ...(written.bestNote ? { bestNote: written.bestNote } : {}),
    completed: count(TrialState.COMPLETE),
    pruned: count(TrialState.PRUNED),
    failed: count(TrialState.FAIL),
  };
}
