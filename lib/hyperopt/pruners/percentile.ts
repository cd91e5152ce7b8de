import { TrialState, type FrozenTrial } from '../study';
import type { Pruner, PrunerStudy } from './pruner';

export interface PercentileOptions {
  nStartupTrials?: number;
  nWarmupSteps?: number;
  intervalSteps?: number;
  nMinTrials?: number;
}

/** Optuna's PercentilePruner (MedianPruner = percentile 50), decision for the latest reported step. */
export class PercentilePruner implements Pruner {
  constructor(
    readonly percentile: number,
    private readonly o: PercentileOptions = {},
  ) {
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${percentile}`);
  }

  prune(study: PrunerStudy, trial: Pick<FrozenTrial, 'intermediateValues'>): boolean {
    const nStartup = this.o.nStartupTrials ?? 5;
    const warmup = this.o.nWarmupSteps ?? 0;
    const interval = this.o.intervalSteps ?? 1;
    const nMin = this.o.nMinTrials ?? 1;
    const steps = Object.keys(trial.intermediateValues).map(Number);
    if (!steps.length) return false;
    const step = Math.max(...steps);
    const complete = study.trials.filter((t) => t.state === TrialState.COMPLETE);
    if (complete.length < nStartup) return false;
    if (step < warmup) return false;
    // Only the first report at or after each interval boundary is considered.
    if (interval > 1) {
      const boundary = warmup + Math.floor((step - warmup) / interval) * interval;
      const earlier = steps.filter((s) => s >= boundary && s < step);
      if (earlier.length) return false;
    }
    const values = steps.map((s) => trial.intermediateValues[s]!);
    if (values.every((v) => Number.isNaN(v))) return true;
    const atStep = complete.map((t) => t.intermediateValues[step]).filter((v): v is number => v !== undefined && !Number.isNaN(v));
    if (atStep.length < nMin) return false;
    const minimize = study.direction === 'minimize';
    const finite = values.filter((v) => !Number.isNaN(v));
    const best = minimize ? Math.min(...finite) : Math.max(...finite);
    const p = percentileLinear(atStep, minimize ? this.percentile : 100 - this.percentile);
    return minimize ? best > p : best < p;
  }
}

export class MedianPruner extends PercentilePruner {
  constructor(o: PercentileOptions = {}) {
    super(50, o);
  }
}

/** numpy.percentile with linear interpolation. */
export function percentileLinear(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
}
