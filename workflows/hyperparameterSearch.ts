import { condition, defineQuery, makeContinueAsNewFunc, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { parseDurationMs, type PipelineConfig } from '../lib/config/pipeline';
import { featureSettings, fetchSettings } from '../lib/config/stageSettings';
import { externalParams, TrialState, type StudyState } from '../lib/hyperopt';
import { engineHyperparams } from '../lib/engine/searchSpace';
import { computeOptions, fetchOptions, registryOptions } from './timeouts';
import type { FeatureSetRef, Hyperparams } from './types';
import { activities } from './routing';
import { noCompletedTrial, openStudy, studyStatus, type SearchStatus } from './search/study';
import { runTrial } from './search/trial';

export type { SearchStatus } from './search/study';

export interface SearchInput {
  config: PipelineConfig;
  /** The feature set to tune on; when absent (standalone `trainctl hpo start`) it is fetched and built here. */
  features?: FeatureSetRef;
  /** Trials started per workflow run before continuing as new (default 40). */
  trialsPerRun?: number;
  /** Carried across continue-as-new. */
  resume?: { state: StudyState; startedAt: number; features: FeatureSetRef; dataWindow: { start: string; end: string } };
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
  const trialTimeoutMs = parseDurationMs(config.trialTimeout)!;
  const timeoutMs = config.searchTimeout === undefined ? undefined : parseDurationMs(config.searchTimeout);
  const { study, space } = openStudy(config, input.resume?.state);
  const studyName = `${config.modelName}-${info.workflowId}`;
  const startedAt = input.resume?.startedAt ?? Date.now();
  let features = input.resume?.features ?? input.features;
  let dataWindow = input.resume?.dataWindow;
  if (!features) {
    const data = await fetching.fetchMarketData({ pipelineId: info.workflowId, settings: fetchSettings(config) });
    features = await compute.buildFeatures({ pipelineId: info.workflowId, data, settings: featureSettings(config) });
    dataWindow = { start: data.start, end: data.end };
  }
  dataWindow ??= { start: features.start, end: features.end };
  const featureSet = features;
  const foldsDone = new Map<number, number>();
  let finished = false;
  setHandler(hpoStatusQuery, () => studyStatus(study, { studyName, foldsDone, finished }));

  const started = () => study.trials.length;
  const timedOut = () => timeoutMs !== undefined && Date.now() - startedAt > timeoutMs;
  let inFlight = 0;
  const startedThisRun = started();
  while (started() < config.trials && !timedOut() && started() - startedThisRun < (input.trialsPerRun ?? TRIALS_PER_RUN)) {
    await condition(() => inFlight < config.hpoParallel);
    if (timedOut()) break;
    inFlight++;
    const trial = study.ask();
    void runTrial({ study, trial, space, features: featureSet, config, budgetMs: trialTimeoutMs, foldsDone }).finally(() => inFlight--);
    setCurrentDetails(`study ${studyName}: ${started()} / ${config.trials} trials started`);
  }
  await condition(() => inFlight === 0);

  const results = { pipelineId: info.workflowId, modelName: config.modelName, studyName, dataWindow };
  if (started() < config.trials && !timedOut()) {
    await io.writeSearchResults({ ...results, state: study.toJSON(), best: null });
    // The next run keeps the memo (the task queues by kind) and starts on the current build.
    const next = makeContinueAsNewFunc<typeof hyperparameterSearch>({
      memo: workflowInfo().memo ?? {},
      initialVersioningBehavior: 'AUTO_UPGRADE',
    });
    await next({ ...input, resume: { state: study.toJSON(), startedAt, features: featureSet, dataWindow } });
  }

  if (!study.trials.some((t) => t.state === TrialState.COMPLETE)) throw noCompletedTrial(study, info.workflowId);
  const best = study.bestTrial;
  const hp: Hyperparams = engineHyperparams(config.modelType, externalParams(best) as Record<string, number>);
  const written = await io.writeSearchResults({
    ...results,
    modelType: config.modelType,
    state: study.toJSON(),
    best: { params: hp, value: best.value!, trialNumber: best.number },
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
