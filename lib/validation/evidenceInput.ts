import { holdoutEvidence, returnsFromEquity, type HoldoutEvidence } from '../stats/holdoutEvidence';
import { ValidationError } from '../util/errors';

/** The per-row holdout detail the backtest stage writes (activities/backtestModel's BacktestDetail, structurally). */
export interface HoldoutRowsDetail {
  dates?: string[];
  y: number[];
  candidate: { proba: number[]; backtest: { daily: { date: string; strategy: number }[] } };
  production: { proba: number[]; backtest: { daily: { date: string; strategy: number }[] } } | null;
}

/**
 * The holdout evidence of a candidate (and production, when scored on the same rows): the
 * bootstrap is seeded from the run's seed so a retried compare stage reproduces every number.
 * `trials` is the number of hyperparameter configurations tried, when the parameters came from a
 * search (for the Deflated Sharpe Ratio).
 */
export function evidenceFor(o: {
  detail: HoldoutRowsDetail;
  labelHorizon: number;
  seed: number;
  alpha: number;
  trials?: number;
}): HoldoutEvidence {
  const { detail } = o;
  if (!detail.dates || detail.dates.length !== detail.y.length) {
    throw new ValidationError(
      'the backtest result has no per-row holdout dates (written by an older trainctl): run the pipeline again to compare with intervals',
    );
  }
  const daily = (m: { backtest: { daily: { date: string; strategy: number }[] } }) => ({
    dates: m.backtest.daily.map((d) => d.date),
    returns: returnsFromEquity(m.backtest.daily.map((d) => d.strategy)),
  });
  return holdoutEvidence({
    dates: detail.dates,
    y: detail.y,
    candidate: { proba: detail.candidate.proba, daily: daily(detail.candidate) },
    production: detail.production ? { proba: detail.production.proba, daily: daily(detail.production) } : null,
    labelHorizon: o.labelHorizon,
    seed: o.seed,
    alpha: o.alpha,
    ...(o.trials !== undefined ? { trials: o.trials } : {}),
  });
}
