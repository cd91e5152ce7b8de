import {
  blockLengthFor,
  blockResamples,
  bootstrapPValues,
  dateIndex,
  MIN_BLOCKS,
  percentileInterval,
  rowWeights,
  WeightedScorer,
  type Interval,
} from '../stats';
import type { MaturedRow } from './join';

const METRICS = ['accuracy', 'f1', 'logLoss', 'rocAuc'] as const;
type Metric = (typeof METRICS)[number];

export interface ShadowComparison {
  /** Ticker-dates both models predicted and whose outcome is known. */
  pairs: number;
  /** Trading days among them: what `--min-shadow-days` counts. */
  days: number;
  candidate: Record<Metric, number>;
  production: Record<Metric, number>;
  /** candidate − production, paired (both models resampled on the identical rows). */
  difference: Record<Metric, Interval | null>;
  /** Two-sided bootstrap p-value of "no difference" per metric. */
  pValue: Record<Metric, number | null>;
  note?: string;
}

/**
 * The shadow evidence at the approval gate: the candidate (scored in shadow) and production on the
 * same matured ticker-dates, compared pairwise with one circular block bootstrap over dates, so the
 * interval of the difference accounts for both overlapping labels and the models' shared errors.
 */
export function compareShadow(o: {
  candidate: MaturedRow[];
  production: MaturedRow[];
  labelHorizon: number;
  seed: number;
  resamples?: number;
  level?: number;
}): ShadowComparison {
  const prod = new Map(o.production.map((r) => [`${r.ticker}|${r.date}`, r]));
  const pairs = o.candidate.flatMap((c) => {
    const p = prod.get(`${c.ticker}|${c.date}`);
    return p ? [{ c, p }] : [];
  });
  const nulls = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<Metric, null>;
  const nan = Object.fromEntries(METRICS.map((m) => [m, NaN])) as Record<Metric, number>;
  if (!pairs.length)
    return {
      pairs: 0,
      days: 0,
      candidate: nan,
      production: nan,
      difference: nulls,
      pValue: nulls,
      note: 'no matured shadow predictions on dates production also predicted',
    };
  const y = pairs.map(({ c }) => c.label);
  const cand = new WeightedScorer({ y, proba: pairs.map(({ c }) => c.probability), threshold: pairs[0]!.c.threshold });
  const base = new WeightedScorer({ y, proba: pairs.map(({ p }) => p.probability), threshold: pairs[0]!.p.threshold });
  const pick = (s: ReturnType<WeightedScorer['score']>) => Object.fromEntries(METRICS.map((m) => [m, s[m]])) as Record<Metric, number>;
  const candidate = pick(cand.score());
  const production = pick(base.score());
  const { dateOf, dates } = dateIndex(pairs.map(({ c }) => c.date));
  const blockLength = blockLengthFor({ dates: dates.length, labelHorizon: o.labelHorizon });
  const out = { pairs: pairs.length, days: dates.length, candidate, production };
  if (dates.length < MIN_BLOCKS * blockLength) {
    return {
      ...out,
      difference: nulls,
      pValue: nulls,
      note: `${dates.length} matured shadow days: an interval needs at least ${MIN_BLOCKS * blockLength}`,
    };
  }
  const replicates = Object.fromEntries(METRICS.map((m) => [m, [] as number[]])) as Record<Metric, number[]>;
  const w = new Float64Array(pairs.length);
  for (const counts of blockResamples({ periods: dates.length, blockLength, resamples: o.resamples ?? 2000, seed: o.seed })) {
    rowWeights(counts, dateOf, w);
    const a = cand.score(w);
    const b = base.score(w);
    for (const m of METRICS) replicates[m].push(a[m] - b[m]);
  }
  const difference = {} as Record<Metric, Interval | null>;
  const pValue = {} as Record<Metric, number | null>;
  for (const m of METRICS) {
    const reps = replicates[m].filter(Number.isFinite);
    const d = candidate[m] - production[m];
    difference[m] =
      Number.isFinite(d) && reps.length ? percentileInterval({ estimate: d, replicates: reps, level: o.level ?? 0.95 }) : null;
    pValue[m] = reps.length ? bootstrapPValues({ replicates: reps }).twoSided : null;
  }
  return { ...out, difference, pValue };
}
