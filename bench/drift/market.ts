import { generateSyntheticMarket, type SyntheticChange } from '../../lib/data/syntheticMarket';
import { FEATURE_NAMES } from '../../lib/features/definitions';
import { tickerFeatureColumns } from '../../lib/features/featureFrame';

/** All rows (every ticker) of the embedded market's features, sorted by date, as plain columns. */
export interface MarketRows {
  featureNames: string[];
  dates: string[];
  columns: Float64Array[];
  /** Distinct trading days, ascending. */
  days: string[];
  /** Row range [first, end) of each day, in `days` order. */
  dayRows: [number, number][];
}

export function marketRows(o: {
  seed: number;
  end: string;
  changes?: SyntheticChange[];
  scaleFeature?: { name: string; factor: number; from: string };
}): MarketRows {
  const market = generateSyntheticMarket({ seed: o.seed, end: o.end, ...(o.changes ? { changes: o.changes } : {}) });
  const parts = market.series.map((s) => tickerFeatureColumns(s, { labelHorizon: 5, labelThreshold: 0 }));
  const rows = parts.flatMap((p, t) => p.dates.map((d, i) => ({ d, t, i })));
  rows.sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.t - b.t));
  const featureNames = [...FEATURE_NAMES];
  const columns = featureNames.map((_, j) => Float64Array.from(rows, (r) => parts[r.t]!.values[j]![r.i]!));
  const dates = rows.map((r) => r.d);
  if (o.scaleFeature) {
    // A unit error upstream: one feature multiplied from a known date on.
    const col = columns[featureNames.indexOf(o.scaleFeature.name)]!;
    dates.forEach((d, r) => (d >= o.scaleFeature!.from ? (col[r]! *= o.scaleFeature!.factor) : 0));
  }
  const days: string[] = [];
  const dayRows: [number, number][] = [];
  dates.forEach((d, r) => {
    if (days.at(-1) !== d) {
      days.push(d);
      dayRows.push([r, r + 1]);
    } else dayRows.at(-1)![1] = r + 1;
  });
  return { featureNames, dates, columns, days, dayRows };
}

/** Rows of the `windowDays` trading days ending on day index `end` (inclusive). */
export function windowColumns(m: MarketRows, end: number, windowDays: number): { columns: Float64Array[]; dates: string[] } {
  const from = m.dayRows[end - windowDays + 1]![0];
  const to = m.dayRows[end]![1];
  return { columns: m.columns.map((c) => c.subarray(from, to)), dates: m.dates.slice(from, to) };
}

/** Rows before `day` (exclusive). */
export function rowsBefore(m: MarketRows, day: string): { columns: Float64Array[]; dates: string[] } {
  const k = m.days.findIndex((d) => d >= day);
  const to = m.dayRows[k]![0];
  return { columns: m.columns.map((c) => c.subarray(0, to)), dates: m.dates.slice(0, to) };
}
