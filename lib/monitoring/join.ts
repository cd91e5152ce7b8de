import type { PredictionRecord } from '../predictionLog';

/** What happened after a prediction: known once the label horizon has passed. */
export interface Outcome {
  /** 1 = up over the label horizon, 0 = not; NaN while the horizon has not passed. */
  label: number;
  /** close t → close t+1, for the long/flat strategy. */
  nextReturn: number;
}

/** The key the monitor groups by: a model version in one role (an A/B arm counts as its own role). */
export interface Cohort {
  model: string;
  version: string;
  role: 'production' | 'shadow' | 'ab:control' | 'ab:candidate' | 'ab';
}

export interface MaturedRow {
  date: string;
  ticker: string;
  probability: number;
  threshold: number;
  label: 0 | 1;
  nextReturn: number;
}

export interface JoinResult {
  cohorts: { cohort: Cohort; rows: MaturedRow[]; firstPrediction: string }[];
  /** Predictions that could not be used yet or at all, by reason (never counted as wrong). */
  unused: { pending: number; noOutcome: number; noTicker: number; duplicate: number };
  /** Tickers that have predictions but no outcome data at all. */
  tickersWithoutOutcomes: string[];
}

export function cohortKey(c: Cohort): string {
  return `${c.model}|${c.version}|${c.role}`;
}

/**
 * Predictions joined with their outcomes. One row per cohort, ticker and date: a ticker/date scored
 * several times (repeated requests, batch re-runs) counts once, with its first prediction, so a
 * busy client cannot outweigh the daily batch. Rows stay sorted by date.
 */
export function joinOutcomes(o: {
  records: PredictionRecord[];
  outcomes: Map<string, Outcome>;
  outcomeKey?: (ticker: string, date: string) => string;
}): JoinResult {
  const key = o.outcomeKey ?? ((t: string, d: string) => `${t}|${d}`);
  const known = new Set<string>();
  for (const k of o.outcomes.keys()) known.add(k.split('|')[0]!);
  const unused = { pending: 0, noOutcome: 0, noTicker: 0, duplicate: 0 };
  const missingTickers = new Set<string>();
  const groups = new Map<string, { cohort: Cohort; rows: MaturedRow[]; seen: Set<string>; firstPrediction: string }>();
  for (const r of o.records) {
    if (r.ticker === null || r.date === null) {
      unused.noTicker++;
      continue;
    }
    const cohort: Cohort = { model: r.model, version: r.version, role: r.role === 'ab' ? (r.arm ? `ab:${r.arm}` : 'ab') : r.role };
    const ck = cohortKey(cohort);
    let g = groups.get(ck);
    if (!g) groups.set(ck, (g = { cohort, rows: [], seen: new Set(), firstPrediction: r.date }));
    if (r.date < g.firstPrediction) g.firstPrediction = r.date;
    const rowKey = `${r.ticker}|${r.date}`;
    if (g.seen.has(rowKey)) {
      unused.duplicate++;
      continue;
    }
    g.seen.add(rowKey);
    const outcome = o.outcomes.get(key(r.ticker, r.date));
    if (!outcome) {
      unused.noOutcome++;
      if (!known.has(r.ticker)) missingTickers.add(r.ticker);
      continue;
    }
    if (!(outcome.label === 0 || outcome.label === 1)) {
      unused.pending++;
      continue;
    }
    g.rows.push({
      date: r.date,
      ticker: r.ticker,
      probability: r.probabilityUp,
      threshold: r.threshold,
      label: outcome.label,
      nextReturn: outcome.nextReturn,
    });
  }
  const cohorts = [...groups.values()].map(({ cohort, rows, firstPrediction }) => ({
    cohort,
    rows: rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.ticker < b.ticker ? -1 : 1)),
    firstPrediction,
  }));
  return { cohorts, unused, tickersWithoutOutcomes: [...missingTickers].sort() };
}
