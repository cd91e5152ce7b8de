import { ApplicationFailure } from '@temporalio/workflow';
import type { PipelineConfig } from '../../lib/config/pipeline';
import {
  MedianPruner,
  SearchSpaceError,
  Study,
  TPESampler,
  TrialState,
  externalParams,
  type SearchSpace,
  type StudyState,
} from '../../lib/hyperopt';
import { searchSpaceFor } from '../../lib/engine/searchSpace';

/** The pruner's n_startup_trials (also sent to trial activities, which prune themselves). */
export const PRUNER_STARTUP_TRIALS = 5;

export interface SearchStatus {
  studyName: string;
  trials: { number: number; state: string; value: number | null; params: Record<string, unknown>; folds: number; reason?: string }[];
  best: { number: number; value: number; params: Record<string, unknown> } | null;
  finished: boolean;
}

/**
 * The search space and the study (TPE with the constant liar, median pruner), new or resumed after
 * continue-as-new. Checked before anything runs: a bad range or a state that cannot be resumed
 * fails the search at once, as a configuration error.
 */
export function openStudy(
  config: Pick<PipelineConfig, 'modelType' | 'searchSpace' | 'seed'>,
  resumed?: StudyState,
): { study: Study; space: SearchSpace } {
  let space: SearchSpace;
  try {
    space = searchSpaceFor(config.modelType, config.searchSpace);
  } catch (err) {
    if (err instanceof SearchSpaceError) throw ApplicationFailure.nonRetryable(err.message, 'ConfigError');
    throw err;
  }
  try {
    const sampler = new TPESampler({ seed: config.seed, constantLiar: true });
    return { study: new Study('minimize', sampler, new MedianPruner({ nStartupTrials: PRUNER_STARTUP_TRIALS }), resumed), space };
  } catch (err) {
    // A study carried over from an older hyperopt-ts (another generator state) cannot be resumed.
    throw ApplicationFailure.nonRetryable(`cannot resume the study: ${(err as Error).message}; start the search again`, 'ConfigError');
  }
}

/** What `hpoStatus` answers: every trial with its folds so far, and the best one. */
export function studyStatus(study: Study, o: { studyName: string; foldsDone: Map<number, number>; finished: boolean }): SearchStatus {
  const done = study.trials.filter((t) => t.state === TrialState.COMPLETE);
  const best = done.length ? study.bestTrial : null;
  return {
    studyName: o.studyName,
    trials: study.trials.map((t) => ({
      number: t.number,
      state: TrialState[t.state],
      value: t.value,
      params: externalParams(t),
      folds: o.foldsDone.get(t.number) ?? Object.keys(t.intermediateValues).length,
      ...(t.failReason ? { reason: t.failReason } : {}),
    })),
    best: best ? { number: best.number, value: best.value!, params: externalParams(best) } : null,
    finished: o.finished,
  };
}

/** A search where no trial completed is a failure of the search (not of the workflow task, which Temporal would retry forever). */
export function noCompletedTrial(study: Study, workflowId: string): ApplicationFailure {
  const reasons = [...new Set(study.trials.map((t) => t.failReason).filter(Boolean))].slice(0, 3).join('; ');
  return ApplicationFailure.nonRetryable(
    `no trial of ${study.trials.length} completed${reasons ? ` (${reasons})` : ''}; see \`trainctl hpo status ${workflowId}\``,
    'SearchFailed',
  );
}
