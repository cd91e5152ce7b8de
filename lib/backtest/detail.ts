import { z } from 'zod';
import type { BacktestResult } from './backtest';

export interface BacktestDetail {
  holdout: { start: string; end: string; trainEnd: string; rows: number };
  candidate: { proba: number[]; backtest: BacktestResult; roc: { fpr: number[]; tpr: number[] } };
  production: { version: string; proba: number[]; backtest: BacktestResult; roc: { fpr: number[]; tpr: number[] } } | null;
  y: number[];
  /** Date of each holdout row (several tickers per date): the block bootstrap of the compare stage resamples whole dates. */
  dates: string[];
}

/**
 * The per-row holdout detail the backtest stage writes and the compare stage reads
 * (`backtest_detail.json` in the run's scratch). Checked on read: a damaged or foreign file is one
 * error naming the field. Numbers that were NaN (e.g. a Sharpe with zero variance) arrive as null.
 */
const num = z.number().nullable();
const trading = z.looseObject({
  totalReturn: num,
  cagr: num,
  sharpe: num,
  sortino: num,
  maxDrawdown: num,
  hitRate: num,
  turnover: num,
  exposure: num,
  days: z.number(),
});
const result = z.looseObject({
  daily: z.array(z.looseObject({ date: z.string(), strategy: num, buyHold: num })),
  metrics: trading,
  buyHold: trading,
});
const roc = z.looseObject({ fpr: z.array(z.number()), tpr: z.array(z.number()) });

export const backtestDetailSchema = z
  .looseObject({
    holdout: z.looseObject({ start: z.string(), end: z.string(), trainEnd: z.string(), rows: z.number().int().min(0) }),
    candidate: z.looseObject({ proba: z.array(z.number()), backtest: result, roc }),
    production: z.looseObject({ version: z.string(), proba: z.array(z.number()), backtest: result, roc }).nullable(),
    y: z.array(z.number()),
    /** Date of each holdout row (several tickers per date): the block bootstrap resamples whole dates. */
    dates: z.array(z.string()),
  })
  .refine(
    (d) =>
      d.candidate.proba.length === d.y.length &&
      d.dates.length === d.y.length &&
      (!d.production || d.production.proba.length === d.y.length),
    {
      message: 'candidate/production probabilities, labels and dates must have one entry per holdout row',
    },
  );
