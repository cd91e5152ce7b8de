import { firstFinite, isZeroOrNeg, nanArray } from './common';
import { sma } from './movingAverage';

/** True range from the second bar on: max(h−l, |h−prev close|, |l−prev close|). */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = close.length;
  const out = nanArray(n);
  for (let i = firstFinite(high, low, close) + 1; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const prevClose = close[i - 1]!;
    let range = h - l;
    const up = Math.abs(h - prevClose);
    if (up > range) range = up;
    const down = Math.abs(l - prevClose);
    if (down > range) range = down;
    out[i] = range;
  }
  return out;
}

/** Wilder's ATR: mean of the first `period` true ranges, then (prev·(p−1)+TR)/p. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const n = close.length;
  const out = nanArray(n);
  const tr = trueRange(high, low, close);
  const first = firstFinite(tr) + period - 1;
  if (first >= n) return out;
  let prev = sma(tr, period)[first]!;
  out[first] = prev;
  for (let i = first + 1; i < n; i++) {
    prev *= period - 1;
    prev += tr[i]!;
    prev /= period;
    out[i] = prev;
  }
  return out;
}

/** Population standard deviation over `period` values (TA-Lib STDDEV: running Σx and Σx²). */
export function stddev(x: Float64Array, period = 20): Float64Array {
  const n = x.length;
  const out = nanArray(n);
  const begin = firstFinite(x);
  if (n - begin < period) return out;
  let sum = 0;
  let sumSq = 0;
  for (let i = begin; i < begin + period - 1; i++) {
    sum += x[i]!;
    sumSq += x[i]! * x[i]!;
  }
  let trailing = begin;
  for (let i = begin + period - 1; i < n; i++) {
    const v = x[i]!;
    sum += v;
    sumSq += v * v;
    const mean = sum / period;
    const meanSq = sumSq / period;
    const old = x[trailing++]!;
    sum -= old;
    sumSq -= old * old;
    const variance = meanSq - mean * mean;
    out[i] = isZeroOrNeg(variance) ? 0 : Math.sqrt(variance);
  }
  return out;
}

export interface Bollinger {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/** TA-Lib BBANDS with an SMA middle band and population deviation computed around that SMA. */
export function bollinger(x: Float64Array, period = 20, deviations = 2): Bollinger {
  const n = x.length;
  const middle = sma(x, period);
  const upper = nanArray(n);
  const lower = nanArray(n);
  const first = firstFinite(middle);
  if (first >= n) return { upper, middle, lower };
  let sumSq = 0;
  for (let i = first - period + 1; i < first; i++) sumSq += x[i]! * x[i]!;
  let trailing = first - period + 1;
  for (let i = first; i < n; i++) {
    sumSq += x[i]! * x[i]!;
    let variance = sumSq / period;
    sumSq -= x[trailing]! * x[trailing]!;
    trailing++;
    const m = middle[i]!;
    variance -= m * m;
    const width = (isZeroOrNeg(variance) ? 0 : Math.sqrt(variance)) * deviations;
    upper[i] = m + width;
    lower[i] = m - width;
  }
  return { upper, middle, lower };
}
