import type { Distribution } from '../distributions';
import { SeededRng } from '../rng';
import type { FrozenTrial, Study } from '../study';
import type { Sampler } from './sampler';

/** Uniform in the (log-)range; stepped values drawn on [low − step/2, high + step/2], snapped and clipped. */
export function sampleUniform(rng: SeededRng, d: Distribution): number {
  if (d.kind === 'categorical') return rng.int(d.choices.length);
  const step = d.step;
  if (d.log) {
    const lo = step ? Math.log(d.low - step / 2) : Math.log(d.low);
    const hi = step ? Math.log(d.high + step / 2) : Math.log(d.high);
    const x = Math.exp(rng.uniform(lo, hi));
    return step ? snap(x, d.low, d.high, step) : Math.min(Math.max(x, d.low), d.high);
  }
  if (step) return snap(rng.uniform(d.low - step / 2, d.high + step / 2), d.low, d.high, step);
  return rng.uniform(d.low, d.high);
}

function snap(x: number, low: number, high: number, step: number): number {
  return Math.min(Math.max(low + Math.round((x - low) / step) * step, low), high);
}

export class RandomSampler implements Sampler {
  rng: SeededRng;

  constructor(options: { seed?: number } = {}) {
    this.rng = new SeededRng(options.seed ?? 0);
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
    this.rng = new SeededRng((state as { rng: [number, number, number, number] }).rng);
  }
}
