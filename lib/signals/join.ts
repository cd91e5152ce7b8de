import { lowerBound, upperBound } from '../data/series';
import type { SignalObservations } from './types';

/**
 * Signal values on a ticker's trading days, joined as of publication with a lag: a value dated d
 * becomes usable on the `lagDays`-th trading day after d (lag 1: published after the close of day
 * t, usable from t+1; lag 0: published before the close of its own day). Each trading day takes the
 * newest value that became usable on that very day — a day on which nothing became usable (a
 * missing publication) is missing, not the last value carried forward and not zero. A value that
 * becomes usable only after the last trading day is not used.
 *
 * No look-ahead: the value on day k comes from publications dated before trading day k (or on it,
 * with lag 0), and only trading dates up to k are read to place it.
 */
export function joinSignals(o: { tradingDates: readonly string[]; obs: SignalObservations; lagDays: number }): Float64Array[] {
  const { obs, lagDays } = o;
  const n = o.tradingDates.length;
  const out = obs.values.map(() => new Float64Array(n).fill(Number.NaN));
  const dates = o.tradingDates as string[];
  for (let r = 0; r < obs.dates.length; r++) {
    const d = obs.dates[r]!;
    // First trading day strictly after d (lag ≥ 1) or on/after d (lag 0), then lag − 1 more.
    const k = lagDays === 0 ? lowerBound(dates, d) : upperBound(dates, d) + lagDays - 1;
    if (k >= n) continue;
    // Ascending dates: a later publication that lands on the same day replaces an earlier one.
    obs.values.forEach((column, j) => {
      const v = column[r]!;
      if (!Number.isNaN(v)) out[j]![k] = v;
    });
  }
  return out;
}
