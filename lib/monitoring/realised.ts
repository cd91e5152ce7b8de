import { runBacktest } from '../backtest/backtest';
import {
  blockLengthFor,
  blockResamples,
  dateIndex,
  MIN_BLOCKS,
  percentileInterval,
  quantileSorted,
  rowWeights,
  WeightedScorer,
  type Interval,
} from '../stats';
import type { MaturedRow } from './join';

export const MONITOR_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'logLoss', 'rocAuc', 'strategyReturn'] as const;
export type MonitorMetric = (typeof MONITOR_METRICS)[number];

export interface RealisedPerformance {
  rows: number;
  days: number;
  from: string | null;
  to: string | null;
  /** Share of matured labels that were "up" (label drift against the training positive rate). */
  positiveRate: number | null;
  /** Point estimates; intervals only when there are enough blocks of dates (see `intervalNote`). */
  metrics: Record<MonitorMetric, number | null>;
  intervals: Record<MonitorMetric, Interval | null>;
  blockLength: number;
  intervalNote?: string;
  /** One-sided bounds at 1 − alpha (upper: "at most", lower: "at least"), for the drop test. */
  bounds?: { alpha: number; upper: Record<MonitorMetric | 'positiveRate', number>; lower: Record<MonitorMetric | 'positiveRate', number> };
}

export interface RealisedOptions {
  rows: MaturedRow[];
  labelHorizon: number;
  costBps: number;
  seed: number;
  resamples?: number;
  level?: number;
  /** One-sided level of `bounds` (default 0.05). */
  alpha?: number;
}

/**
 * Realised metrics of one cohort with percentile intervals from a circular block bootstrap over
 * dates: a block is at least the label horizon long, so the overlap between the 5-day labels of
 * neighbouring days stays inside blocks (an iid bootstrap over rows would make intervals too narrow).
 * The strategy is the long/flat backtest with costs on the matured rows; its interval resamples
 * the same date blocks of its daily returns.
 */
export function realisedPerformance(o: RealisedOptions): RealisedPerformance {
  const empty = Object.fromEntries(MONITOR_METRICS.map((m) => [m, null])) as Record<MonitorMetric, null>;
  if (o.rows.length === 0)
    return {
      rows: 0,
      days: 0,
      from: null,
      to: null,
      positiveRate: null,
      metrics: { ...empty },
      intervals: { ...empty },
      blockLength: o.labelHorizon,
      intervalNote: 'no matured predictions',
    };
  const dates = o.rows.map((r) => r.date);
  const { dateOf, dates: days } = dateIndex(dates);
  const scorer = new WeightedScorer({
    y: o.rows.map((r) => r.label),
    proba: o.rows.map((r) => r.probability),
    threshold: o.rows[0]!.threshold,
  });
  const strategy = dailyStrategyReturns({ rows: o.rows, costBps: o.costBps, days });
  const estimate = { ...pick(scorer.score()), strategyReturn: compound(strategy) };
  const blockLength = blockLengthFor({ dates: days.length, labelHorizon: o.labelHorizon });
  const base = {
    rows: o.rows.length,
    days: days.length,
    from: days[0]!,
    to: days.at(-1)!,
    positiveRate: o.rows.filter((r) => r.label === 1).length / o.rows.length,
    metrics: estimate,
    blockLength,
  };
  if (days.length < MIN_BLOCKS * blockLength) {
    return {
      ...base,
      intervals: { ...empty },
      intervalNote: `${days.length} matured trading days: an interval needs at least ${MIN_BLOCKS * blockLength} (${MIN_BLOCKS} blocks of ${blockLength})`,
    };
  }
  const replicates = Object.fromEntries(MONITOR_METRICS.map((m) => [m, [] as number[]])) as Record<MonitorMetric, number[]>;
  const w = new Float64Array(o.rows.length);
  const positive: number[] = [];
  for (const counts of blockResamples({ periods: days.length, blockLength, resamples: o.resamples ?? 2000, seed: o.seed })) {
    const s = pick(scorer.score(rowWeights(counts, dateOf, w)));
    for (const m of MONITOR_METRICS) if (m !== 'strategyReturn') replicates[m].push(s[m]);
    replicates.strategyReturn.push(compound(strategy, counts));
    positive.push(weightedShare(o.rows, w));
  }
  const intervals = Object.fromEntries(
    MONITOR_METRICS.map((m) => [
      m,
      Number.isFinite(estimate[m])
        ? percentileInterval({ estimate: estimate[m], replicates: replicates[m].filter(Number.isFinite), level: o.level ?? 0.95 })
        : null,
    ]),
  ) as Record<MonitorMetric, Interval | null>;
  const alpha = o.alpha ?? 0.05;
  const all = { ...replicates, positiveRate: positive };
  const q = (v: number[], p: number) => quantileSorted(Float64Array.from(v.filter(Number.isFinite)).sort(), p);
  const bound = (p: number) =>
    Object.fromEntries(Object.entries(all).map(([m, v]) => [m, q(v, p)])) as Record<MonitorMetric | 'positiveRate', number>;
  return { ...base, intervals, bounds: { alpha, upper: bound(1 - alpha), lower: bound(alpha) } };
}

function weightedShare(rows: MaturedRow[], w: Float64Array): number {
  let up = 0;
  let all = 0;
  rows.forEach((r, i) => {
    up += w[i]! * r.label;
    all += w[i]!;
  });
  return all ? up / all : NaN;
}

function pick(s: ReturnType<WeightedScorer['score']>): Record<Exclude<MonitorMetric, 'strategyReturn'>, number> {
  return { accuracy: s.accuracy, precision: s.precision, recall: s.recall, f1: s.f1, logLoss: s.logLoss, rocAuc: s.rocAuc };
}

/** The long/flat strategy's return per day (in `days` order; 0 on a day without a next return). */
function dailyStrategyReturns(o: { rows: MaturedRow[]; costBps: number; days: string[] }): Float64Array {
  const bt = runBacktest({
    dates: o.rows.map((r) => r.date),
    tickers: o.rows.map((r) => r.ticker),
    proba: o.rows.map((r) => r.probability),
    nextReturn: o.rows.map((r) => r.nextReturn),
    threshold: o.rows[0]!.threshold,
    costBps: o.costBps,
  });
  const byDay = new Map<string, number>();
  let prev = 1;
  for (const p of bt.daily) {
    byDay.set(p.date, p.strategy / prev - 1);
    prev = p.strategy;
  }
  return Float64Array.from(o.days, (d) => byDay.get(d) ?? 0);
}

/** Compounded return, each day taken `counts[d]` times (all once without counts). */
function compound(daily: Float64Array, counts?: Int32Array): number {
  let log = 0;
  for (let d = 0; d < daily.length; d++) log += (counts ? counts[d]! : 1) * Math.log1p(daily[d]!);
  return Math.expm1(log);
}
