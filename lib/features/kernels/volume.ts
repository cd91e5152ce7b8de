import { firstFinite, nanArray } from './common';

/** On-balance volume as TA-Lib defines it: starts at the first bar's volume. */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const n = close.length;
  const out = nanArray(n);
  const begin = firstFinite(close, volume);
  if (begin >= n) return out;
  let total = volume[begin]!;
  let prev = close[begin]!;
  for (let i = begin; i < n; i++) {
    const c = close[i]!;
    if (c > prev) total += volume[i]!;
    else if (c < prev) total -= volume[i]!;
    out[i] = total;
    prev = c;
  }
  return out;
}

/**
 * Rolling VWAP over `period` bars with the typical price (h+l+c)/3. Sums are recomputed per
 * window (no running subtraction), so a value depends only on its own window, bit for bit.
 */
export function rollingVwap(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, period = 20): Float64Array {
  const n = close.length;
  const out = nanArray(n);
  for (let i = firstFinite(high, low, close, volume) + period - 1; i < n; i++) {
    let pv = 0;
    let v = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const typical = (high[j]! + low[j]! + close[j]!) / 3;
      pv += typical * volume[j]!;
      v += volume[j]!;
    }
    out[i] = v > 0 ? pv / v : Number.NaN;
  }
  return out;
}
