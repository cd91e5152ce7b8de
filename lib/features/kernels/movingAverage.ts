import { firstFinite, nanArray } from './common';

/** Simple moving average with TA-Lib's running sum (first value at begin + period − 1). */
export function sma(x: Float64Array, period: number): Float64Array {
  const n = x.length;
  const out = nanArray(n);
  const begin = firstFinite(x);
  if (n - begin < period) return out;
  let total = 0;
  for (let i = begin; i < begin + period - 1; i++) total += x[i]!;
  let trailing = begin;
  for (let i = begin + period - 1; i < n; i++) {
    total += x[i]!;
    const sum = total;
    total -= x[trailing++]!;
    out[i] = sum / period;
  }
  return out;
}

/** Exponential moving average, k = 2/(period+1), seeded with the SMA of the first `period` values. */
export function ema(x: Float64Array, period: number): Float64Array {
  const begin = firstFinite(x);
  return emaSeededAt(x, period, begin + period - 1);
}

/**
 * EMA whose first output sits at `firstOut`, seeded with the plain mean of the `period` values
 * ending there. TA-Lib's MACD uses this to start its fast EMA where the slow one starts.
 */
export function emaSeededAt(x: Float64Array, period: number, firstOut: number): Float64Array {
  const n = x.length;
  const out = nanArray(n);
  if (firstOut >= n || firstOut - period + 1 < 0) return out;
  const k = 2 / (period + 1);
  let sum = 0;
  for (let i = firstOut - period + 1; i <= firstOut; i++) sum += x[i]!;
  let prev = sum / period;
  out[firstOut] = prev;
  for (let i = firstOut + 1; i < n; i++) {
    prev = (x[i]! - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}
