import { classificationMetrics } from '../evaluation/metrics';
import type { Dataset } from '../xgboost/types';
import type { Engine, EngineTrainOptions, TrainedModel } from './engine';

/** One side of the warm-start report: how long it took and how it does on the holdout. */
export interface RetrainSide {
  seconds: number;
  /** Rounds trained in this run (after early stopping). */
  rounds: number;
  /** Rounds in the model (for the warm start, including those continued from). */
  totalRounds: number;
  holdout: { rows: number; accuracy: number; f1: number; rocAuc: number; logLoss: number };
}

export interface WarmStartReport {
  /** The production version continued from. */
  from: string;
  warm: RetrainSide;
  /** The same data trained from scratch (`--compare-full`); absent otherwise. */
  full?: RetrainSide;
}

export async function describeFit(fit: TrainedModel, o: { seconds: number; holdout: Dataset }): Promise<RetrainSide> {
  const m = classificationMetrics(o.holdout.y, await fit.predict(o.holdout.X));
  return {
    seconds: o.seconds,
    rounds: fit.rounds,
    totalRounds: fit.bestIteration + 1,
    holdout: { rows: m.n, accuracy: m.accuracy, f1: m.f1, rocAuc: m.rocAuc, logLoss: m.logLoss },
  };
}

/**
 * `--compare-full`: the same training call without the initial model, timed and scored on the
 * same holdout rows as the warm-started one, so a person can see what the shortcut costs.
 */
export async function fullRetrainSide(
  engine: Engine,
  o: { train: Omit<EngineTrainOptions, 'initModel'>; holdout: Dataset; now?: () => number },
): Promise<RetrainSide> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const fit = await engine.train(o.train);
  try {
    return await describeFit(fit, { seconds: (now() - t0) / 1000, holdout: o.holdout });
  } finally {
    fit.dispose();
  }
}
