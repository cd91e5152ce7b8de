import { MedianPruner, TrialState, type Direction, type PrunerStudy } from '../hyperopt';

/**
 * What a trial evaluated in one activity (all its walk-forward folds, activities/searchActivities
 * `evaluateTrial`) needs to prune itself between folds: the search's median-pruner settings and the
 * intermediate values of the trials that were complete when it started. Plain data (a few numbers
 * per completed trial), so it travels in the activity's input.
 *
 * Optuna decides with the trials complete at the moment of each report; here the moment is the
 * trial's start, so a trial completing while this one runs does not count for it. The decision is
 * the same code (lib/hyperopt's MedianPruner), on that snapshot.
 */
export interface PruningSnapshot {
  direction: Direction;
  /** MedianPruner's n_startup_trials: no pruning until this many trials are complete. */
  nStartupTrials: number;
  /** Per completed trial: its intermediate values by step (the running mean after each fold). */
  completed: Record<number, number>[];
}

export function pruningSnapshot(study: PrunerStudy, nStartupTrials: number): PruningSnapshot {
  return {
    direction: study.direction,
    nStartupTrials,
    completed: study.trials.filter((t) => t.state === TrialState.COMPLETE).map((t) => ({ ...t.intermediateValues })),
  };
}

/** Whether a trial with these intermediate values (steps 0 … k) is pruned after step k, on the snapshot. */
export function prunedBySnapshot(snapshot: PruningSnapshot, intermediateValues: Record<number, number>): boolean {
  const study: PrunerStudy = {
    direction: snapshot.direction,
    trials: snapshot.completed.map((intermediate) => ({ state: TrialState.COMPLETE, intermediateValues: intermediate })),
  };
  return new MedianPruner({ nStartupTrials: snapshot.nStartupTrials }).prune(study, { intermediateValues });
}
