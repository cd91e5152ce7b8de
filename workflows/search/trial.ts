import { log } from '@temporalio/workflow';
import type { PipelineConfig } from '../../lib/config/pipeline';
import { trialSettings } from '../../lib/config/stageSettings';
import { TrialState, type SearchSpace, type Study, type Trial } from '../../lib/hyperopt';
import { suggestEngineParams } from '../../lib/engine/searchSpace';
import { WALK_FORWARD_FOLDS } from '../../lib/evaluation/folds';
import { pruningSnapshot } from '../../lib/hpo/trialPruning';
import { trialOptions } from '../timeouts';
import { activities } from '../routing';
import type { FeatureSetRef } from '../types';
import { PRUNER_STARTUP_TRIALS } from './study';

/** A trial activity (all its folds) with the trial's time budget as its schedule-to-close timeout. */
const trialWithin = (budgetMs: number) => activities(trialOptions(budgetMs)).evaluateTrial;

/**
 * One trial: its parameters from the sampler, its folds in one activity that prunes itself on a
 * snapshot of the completed trials, and the outcome told to the study. A trial that fails or runs
 * past its time budget fails alone; the search goes on.
 */
export async function runTrial(o: {
  study: Study;
  trial: Trial;
  space: SearchSpace;
  features: FeatureSetRef;
  config: PipelineConfig;
  budgetMs: number;
  foldsDone: Map<number, number>;
}): Promise<void> {
  const { study, trial, budgetMs: budget } = o;
  const params = suggestEngineParams(o.config.modelType, trial, o.space);
  const trialStart = Date.now();
  let sum = 0;
  try {
    const r = await trialWithin(budget)({
      features: o.features,
      settings: trialSettings(o.config),
      params,
      trial: trial.number,
      pruning: pruningSnapshot(study, PRUNER_STARTUP_TRIALS),
    });
    // The server's timeout fires on a coarse clock: a trial that ran past its budget fails here too.
    if (Date.now() - trialStart > budget)
      throw new Error(`trial exceeded its time limit of ${budget / 1000} s after ${r.folds.length} of ${WALK_FORWARD_FOLDS} folds`);
    r.folds.forEach((f, k) => trial.report(k, (sum += f.logLoss) / (k + 1)));
    o.foldsDone.set(trial.number, r.folds.length);
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
}
