import type { Direction, FrozenTrial } from '../study';

/** What a pruner reads of a study: its direction and its trials' states and intermediate values. */
export interface PrunerStudy {
  readonly direction: Direction;
  readonly trials: readonly Pick<FrozenTrial, 'state' | 'intermediateValues'>[];
}

export interface Pruner {
  prune(study: PrunerStudy, trial: Pick<FrozenTrial, 'intermediateValues'>): boolean;
}
