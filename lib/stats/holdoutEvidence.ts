import { ValidationError } from '../util/errors';
import { blockResamples, dateIndex, rowWeights, type BlockScheme } from './blockBootstrap';
import { reliabilityBins, type ReliabilityBin } from './calibration';
import { bootstrapPValues, percentileInterval, type BootstrapPValues, type Interval } from './intervals';
import { mcnemarTest, type McNemarResult } from './mcnemar';
import { annualise, deflatedSharpe, probabilisticSharpe, returnMoments } from './sharpe';
import { INTERVAL_METRICS, WeightedScorer, type IntervalMetric } from './weightedMetrics';

/** One model on the holdout: per-row P(up) and, for the Sharpe, its daily strategy returns. */
export interface ModelRows {
  proba: ArrayLike<number>;
  daily?: { dates: string[]; returns: number[] };
}

export interface HoldoutEvidenceInput {
  /** Date of each holdout row (panel data: several tickers share a date). */
  dates: string[];
  y: ArrayLike<number>;
  candidate: ModelRows;
  production?: ModelRows | null;
  /** Label horizon in trading days: the minimum block length, so overlapping labels stay together. */
  labelHorizon: number;
  seed: number;
  /** One-sided significance level of the skill test and the paired tests. */
  alpha: number;
  /** Hyperparameter configurations tried for the candidate (for the Deflated Sharpe Ratio); absent when not searched. */
  trials?: number;
  resamples?: number;
  scheme?: BlockScheme;
  level?: number;
}

export interface ModelEvidence {
  metrics: Record<IntervalMetric, Interval>;
  /** Annualised Sharpe of the long/flat strategy with its block-bootstrap interval. */
  sharpe: Interval | null;
  /** Probabilistic Sharpe Ratio against a zero Sharpe. */
  psr: number | null;
  /** Deflated Sharpe Ratio for the trials of the hyperparameter search (candidate only). */
  dsr: { value: number; trials: number; benchmarkSharpe: number } | null;
  reliability: ReliabilityBin[];
}

export interface TestResult {
  difference: Interval;
  p: BootstrapPValues;
}

export interface HoldoutEvidence {
  method: {
    scheme: BlockScheme;
    blockLength: number;
    resamples: number;
    seed: number;
    level: number;
    alpha: number;
    rows: number;
    dates: number;
  };
  candidate: ModelEvidence;
  production: ModelEvidence | null;
  /** Candidate accuracy − naive baseline accuracy on the same resampled rows; H₁: difference > 0. */
  skill: TestResult & { significant: boolean };
  /** Candidate − production on the identical resampled rows, for every metric. */
  paired: { metrics: Record<IntervalMetric, TestResult>; mcnemar: McNemarResult } | null;
}

/** Blocks a holdout must hold at least, for the percentile interval to mean anything. */
export const MIN_BLOCKS = 10;
export const DEFAULT_RESAMPLES = 2000;

/**
 * Block length: at least the label horizon (labels of dates closer than that overlap), and at least
 * T^(1/3), the rate that minimises the block bootstrap's error for variances (Hall, Horowitz & Jing 1995).
 */
export function blockLengthFor(o: { dates: number; labelHorizon: number }): number {
  return Math.max(1, o.labelHorizon, Math.round(Math.cbrt(o.dates)));
}

/**
 * A holdout with fewer than MIN_BLOCKS blocks of dates cannot give a meaningful interval: refuse it
 * with the number of dates and (approximate) rows it needs, rather than print NaN or degenerate
 * intervals. Cheap enough to call right after the holdout split, before any training. Returns the
 * block length.
 */
export function assertBootstrappable(o: { rowDates: readonly string[]; labelHorizon: number }): number {
  const rows = o.rowDates.length;
  const dates = new Set(o.rowDates).size;
  const blockLength = blockLengthFor({ dates, labelHorizon: o.labelHorizon });
  const needed = MIN_BLOCKS * blockLength;
  if (dates < needed) {
    const perDate = rows / Math.max(1, dates);
    throw new ValidationError(
      `holdout too small for the block bootstrap: ${rows} rows on ${dates} dates, needs at least ${needed} dates (${MIN_BLOCKS} blocks of ${blockLength}), about ${Math.ceil(needed * perDate)} rows; use a longer --holdout`,
    );
  }
  return blockLength;
}

/**
 * Everything the promotion decision and the report say about uncertainty, from one seeded paired
 * block bootstrap over holdout dates: intervals for every metric of both models, the skill test
 * against the naive baseline, the paired comparison with production (plus McNemar as a cross-check),
 * Sharpe intervals, PSR/DSR and calibration bins.
 */
export function holdoutEvidence(o: HoldoutEvidenceInput): HoldoutEvidence {
  const rows = o.dates.length;
  const { dateOf, dates } = dateIndex(o.dates);
  const blockLength = assertBootstrappable({ rowDates: o.dates, labelHorizon: o.labelHorizon });
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const level = o.level ?? 0.95;
  const scheme = o.scheme ?? 'circular';
  const cand = new WeightedScorer({ y: o.y, proba: o.candidate.proba });
  const prod = o.production ? new WeightedScorer({ y: o.y, proba: o.production.proba }) : null;
  const candDaily = dailyPositions(o.candidate.daily, dates);
  const prodDaily = o.production ? dailyPositions(o.production.daily, dates) : null;

  const reps = (k: number) => Array.from({ length: k }, () => new Float64Array(resamples));
  const candReps = reps(INTERVAL_METRICS.length);
  const prodReps = reps(INTERVAL_METRICS.length);
  const diffReps = reps(INTERVAL_METRICS.length);
  const skillReps = new Float64Array(resamples);
  const sharpeReps = reps(2);
  const w = new Float64Array(rows);
  let r = 0;
  for (const counts of blockResamples({ periods: dates.length, blockLength, resamples, seed: o.seed, scheme })) {
    rowWeights(counts, dateOf, w);
    const c = cand.score(w);
    const p = prod?.score(w);
    INTERVAL_METRICS.forEach((m, k) => {
      candReps[k]![r] = c[m];
      if (p) {
        prodReps[k]![r] = p[m];
        diffReps[k]![r] = c[m] - p[m];
      }
    });
    skillReps[r] = c.accuracy - c.baselineAccuracy;
    if (candDaily) sharpeReps[0]![r] = annualise(returnMoments(candDaily.returns, candDaily.weights(counts)).sharpe);
    if (prodDaily) sharpeReps[1]![r] = annualise(returnMoments(prodDaily.returns, prodDaily.weights(counts)).sharpe);
    r++;
  }

  const interval = (estimate: number, replicates: Float64Array) => percentileInterval({ estimate, replicates: finite(replicates), level });
  const test = (estimate: number, replicates: Float64Array): TestResult => ({
    difference: interval(estimate, replicates),
    p: bootstrapPValues({ replicates: finite(replicates) }),
  });
  const c0 = cand.score();
  const p0 = prod?.score();
  const model = (
    scores: typeof c0,
    metricReps: Float64Array[],
    daily: typeof candDaily,
    sharpeRep: Float64Array,
    trials?: number,
  ): ModelEvidence => {
    const moments = daily ? returnMoments(daily.returns) : null;
    return {
      metrics: Object.fromEntries(INTERVAL_METRICS.map((m, k) => [m, interval(scores[m], metricReps[k]!)])) as Record<
        IntervalMetric,
        Interval
      >,
      sharpe: moments ? interval(annualise(moments.sharpe), sharpeRep) : null,
      psr: moments ? nullIfNaN(probabilisticSharpe({ moments })) : null,
      dsr: moments && trials !== undefined ? dsrOf(moments, trials) : null,
      reliability: [],
    };
  };
  const candidate = model(c0, candReps, candDaily, sharpeReps[0]!, o.trials);
  candidate.reliability = reliabilityBins({ y: o.y, proba: o.candidate.proba });
  let production: ModelEvidence | null = null;
  if (p0 && o.production) {
    production = model(p0, prodReps, prodDaily, sharpeReps[1]!);
    production.reliability = reliabilityBins({ y: o.y, proba: o.production.proba });
  }
  const skill = test(c0.accuracy - c0.baselineAccuracy, skillReps);
  const paired =
    p0 && prod
      ? {
          metrics: Object.fromEntries(INTERVAL_METRICS.map((m, k) => [m, test(c0[m] - p0[m], diffReps[k]!)])) as Record<
            IntervalMetric,
            TestResult
          >,
          mcnemar: mcnemarTest({
            candidateCorrect: Array.from({ length: rows }, (_, i) => cand.isCorrect(i)),
            productionCorrect: Array.from({ length: rows }, (_, i) => prod.isCorrect(i)),
          }),
        }
      : null;
  return {
    method: { scheme, blockLength, resamples, seed: o.seed, level, alpha: o.alpha, rows, dates: dates.length },
    candidate,
    production,
    skill: { ...skill, significant: skill.p.greater < o.alpha },
    paired,
  };
}

/** A strategy's daily returns aligned to the holdout's date positions (the last session has no next-day return). */
function dailyPositions(daily: ModelRows['daily'], dates: string[]) {
  if (!daily || daily.returns.length < 2) return null;
  const pos = new Map(dates.map((d, i) => [d, i]));
  const at = Int32Array.from(daily.dates, (d) => pos.get(d) ?? -1);
  const returns = Float64Array.from(daily.returns);
  const weights = new Float64Array(returns.length);
  return {
    returns,
    weights(counts: Int32Array): Float64Array {
      for (let i = 0; i < at.length; i++) weights[i] = at[i]! >= 0 ? counts[at[i]!]! : 0;
      return weights;
    },
  };
}

function dsrOf(moments: ReturnType<typeof returnMoments>, trials: number): ModelEvidence['dsr'] {
  const { dsr, benchmark } = deflatedSharpe({ moments, trials });
  return Number.isFinite(dsr) ? { value: dsr, trials, benchmarkSharpe: annualise(benchmark) } : null;
}

function finite(x: Float64Array): Float64Array {
  return x.filter((v) => Number.isFinite(v));
}

function nullIfNaN(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Daily returns of an equity curve that starts at 1.0 (lib/backtest's `daily[].strategy`). */
export function returnsFromEquity(equity: number[]): number[] {
  return equity.map((e, i) => e / (i === 0 ? 1 : equity[i - 1]!) - 1);
}
