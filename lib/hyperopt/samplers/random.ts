import type { Distribution } from '../distributions';
import { nextDown, RandomState, roundHalfEven, type RandomStateSnapshot } from '../rng';
import type { FrozenTrial, Study } from '../study';
import type { Sampler } from './sampler';

/**
 * One draw as Optuna's RandomSampler makes it (its `_SearchSpaceTransform`), draw for draw:
 * - float: uniform on [low, high), log-scaled in ln space; stepped floats on
 *   [low − step/2, high + step/2], rounded (half to even) to the grid and clipped;
 * - int: uniform on [low − step/2, high + step/2] (in ln space when log), then rounded to the grid;
 * - categorical: one uniform per choice, the largest wins (one-hot encoding, argmax).
 */
export function sampleUniform(rng: RandomState, d: Distribution): number {
  if (d.kind === 'categorical') {
    let best = 0;
    let bestU = -1;
    for (let i = 0; i < d.choices.length; i++) {
      const u = rng.uniform(0, 1);
      if (u > bestU) [best, bestU] = [i, u];
    }
    return best;
  }
  if (d.kind === 'float') {
    if (d.log) return Math.min(Math.max(Math.exp(rng.uniform(Math.log(d.low), Math.log(d.high))), d.low), nextDown(d.high));
    if (d.step !== null) {
      const x = rng.uniform(d.low - d.step / 2, d.high + d.step / 2);
      return Math.min(Math.max(roundHalfEven((x - d.low) / d.step) * d.step + d.low, d.low), d.high);
    }
    return Math.min(rng.uniform(d.low, d.high), nextDown(d.high));
  }
  if (d.log) {
    const x = rng.uniform(Math.log(d.low - d.step / 2), Math.log(d.high + d.step / 2));
    return Math.min(Math.max(roundHalfEven(Math.exp(x)), d.low), d.high);
  }
  const x = rng.uniform(d.low - d.step / 2, d.high + d.step / 2);
  return Math.min(Math.max(Math.floor((x - d.low) / d.step + 0.5) * d.step + d.low, d.low), d.high);
}

export class RandomSampler implements Sampler {
  rng: RandomState;

  constructor(options: { seed?: number } = {}) {
    this.rng = new RandomState(options.seed ?? 0);
  }

  sampleRelative(): Record<string, number> {
    return {};
  }

  sampleIndependent(_s: Study, _t: FrozenTrial, _name: string, d: Distribution): number {
    return sampleUniform(this.rng, d);
  }

  state(): unknown {
    return { rng: this.rng.state() };
  }

  restore(state: unknown): void {
    this.rng = new RandomState((state as { rng: RandomStateSnapshot }).rng);
  }
}
