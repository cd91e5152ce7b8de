/**
 * The within-window shift: mean of the window's last `days` trading days minus the mean of the
 * days before them in the same window (NaN values ignored). A 20-day window against a ten-year
 * reference dilutes a fresh change (after 3 days only 3/20 of the window is new); comparing the
 * newest days with the window's own earlier days sees an abrupt change at once, while the slow
 * drift of an indicator's regime moves both parts together.
 */
export function windowShift(values: ArrayLike<number>, dates: ArrayLike<string>, days: number): number {
  const distinct = [...new Set(Array.from(dates))].sort();
  if (distinct.length <= days) return NaN;
  const first = distinct[distinct.length - days]!;
  const recent = { sum: 0, n: 0 };
  const before = { sum: 0, n: 0 };
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    if (Number.isNaN(v)) continue;
    const part = dates[r]! >= first ? recent : before;
    part.sum += v;
    part.n++;
  }
  return recent.n && before.n ? recent.sum / recent.n - before.sum / before.n : NaN;
}

/**
 * `windowShift` of every rolling window of `windowDays` consecutive dates, for each of
 * `shiftDays`, in O(days) per length from per-day sums. `ends[w]` is window w's last date.
 */
export function rollingShifts(o: { values: ArrayLike<number>; dates: ArrayLike<string>; windowDays: number; shiftDays: number[] }): {
  ends: string[];
  shifts: Float64Array[];
} {
  const index = new Map<string, number>();
  for (let r = 0; r < o.dates.length; r++) index.set(o.dates[r]!, 0);
  const days = [...index.keys()].sort();
  days.forEach((d, k) => index.set(d, k));
  // Prefix sums over days: sum[k] and n[k] cover days [0, k).
  const sum = new Float64Array(days.length + 1);
  const n = new Float64Array(days.length + 1);
  for (let r = 0; r < o.values.length; r++) {
    const v = o.values[r]!;
    if (Number.isNaN(v)) continue;
    const k = index.get(o.dates[r]!)! + 1;
    sum[k] = sum[k]! + v;
    n[k] = n[k]! + 1;
  }
  for (let k = 1; k <= days.length; k++) {
    sum[k] = sum[k]! + sum[k - 1]!;
    n[k] = n[k]! + n[k - 1]!;
  }
  const count = Math.max(0, days.length - o.windowDays + 1);
  const ends = days.slice(o.windowDays - 1);
  const shifts = o.shiftDays.map((L) => {
    const out = new Float64Array(count).fill(NaN);
    if (L >= o.windowDays) return out;
    for (let w = 0; w < count; w++) {
      const [a, b, c] = [w, w + o.windowDays - L, w + o.windowDays];
      const nBefore = n[b]! - n[a]!;
      const nRecent = n[c]! - n[b]!;
      if (nBefore && nRecent) out[w] = (sum[c]! - sum[b]!) / nRecent - (sum[b]! - sum[a]!) / nBefore;
    }
    return out;
  });
  return { ends, shifts };
}
