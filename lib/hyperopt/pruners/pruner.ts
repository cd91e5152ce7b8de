import type { FrozenTrial, Study } from '../study';

export interface Pruner {
  prune(study: Study, trial: FrozenTrial): boolean;
}
