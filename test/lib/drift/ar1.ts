/**
 * A persistent AR(1) series per "ticker" (φ = 0.98 by default): short windows see one regime
 * only, as with the embedded market's slow indicators. Rows are ordered by day, then ticker.
 * `shift` is added from day `shiftFrom` on (0 = from the start): a planted level change.
 */
export function ar1(o: { days: number; tickers: number; seed: number; phi?: number; shift?: number; shiftFrom?: number; scale?: number }): {
  values: number[];
  dates: string[];
} {
  let s = o.seed;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const n = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const phi = o.phi ?? 0.98;
  const x = Array.from({ length: o.tickers }, () => 0);
  const values: number[] = [];
  const dates: string[] = [];
  for (let d = 0; d < o.days; d++) {
    const day = `D${String(d).padStart(5, '0')}`;
    const shift = d >= (o.shiftFrom ?? 0) ? (o.shift ?? 0) : 0;
    for (let t = 0; t < o.tickers; t++) {
      x[t] = phi * x[t]! + Math.sqrt(1 - phi * phi) * n();
      values.push((o.scale ?? 1) * (x[t]! + shift));
      dates.push(day);
    }
  }
  return { values, dates };
}

/** The rows of `days` consecutive days ending on day `end` (inclusive, 0-based). */
export function windowEnding(series: { values: number[]; dates: string[] }, o: { end: number; days: number; tickers: number }) {
  const from = (o.end - o.days + 1) * o.tickers;
  const to = (o.end + 1) * o.tickers;
  return { values: series.values.slice(from, to), dates: series.dates.slice(from, to) };
}
