import { ksStatistic } from './ks';
import { binFractions, psi } from './psi';
import type { ColumnProfile } from './profile';

/**
 * PSI and KS statistic of every rolling window of `windowDays` consecutive dates of one column
 * against its reference profile. Rows may come in any order; a window holds all rows (all
 * tickers) of its dates, exactly as a drift check of that length would see them.
 */
export function rollingWindowStats(o: {
  profile: ColumnProfile;
  values: ArrayLike<number>;
  /** YYYY-MM-DD per row. */
  dates: ArrayLike<string>;
  windowDays: number;
}): { psi: Float64Array; ks: Float64Array; ends: string[] } {
  const groups = rowsByDate(o.dates);
  const days = [...groups.keys()].sort();
  const count = Math.max(0, days.length - o.windowDays + 1);
  const out = { psi: new Float64Array(count), ks: new Float64Array(count), ends: [] as string[] };
  for (let w = 0; w < count; w++) {
    const window: number[] = [];
    for (let d = w; d < w + o.windowDays; d++) for (const r of groups.get(days[d]!)!) window.push(o.values[r]!);
    const stats = windowStats(o.profile, window);
    out.psi[w] = stats.psi;
    out.ks[w] = stats.ks;
    out.ends.push(days[w + o.windowDays - 1]!);
  }
  return out;
}

/** PSI and KS statistic of one window (NaN values ignored; NaN statistics when none is left). */
export function windowStats(profile: ColumnProfile, values: ArrayLike<number>): { psi: number; ks: number } {
  const bins = binFractions(values, profile.edges);
  if (bins.n === 0) return { psi: NaN, ks: NaN };
  const sorted = Float64Array.from(values)
    .filter((v) => !Number.isNaN(v))
    .sort();
  return { psi: psi(profile.fractions, bins.fractions), ks: ksStatistic(profile.sample, sorted) };
}

function rowsByDate(dates: ArrayLike<string>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let r = 0; r < dates.length; r++) {
    const d = dates[r]!;
    let g = groups.get(d);
    if (!g) groups.set(d, (g = []));
    g.push(r);
  }
  return groups;
}
