import type { Distribution } from '../distributions';
import type { FrozenTrial, Study } from '../study';

export interface Sampler {
  /** Jointly sampled internal values for the relative search space (may be empty). */
  sampleRelative(study: Study, trial: FrozenTrial): Record<string, number>;
  sampleIndependent(study: Study, trial: FrozenTrial, name: string, d: Distribution): number;
  state(): unknown;
  restore(state: unknown): void;
}
