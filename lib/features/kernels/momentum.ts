import { firstFinite, isZero, nanArray } from './common';
import { emaSeededAt, sma } from './movingAverage';

/** Wilder's RSI: first averages are plain means of `period` changes, then (prev·(p−1)+x)/p. */
export function rsi(x: Float64Array, period = 14): Float64Array {
  const n = x.length;
  const out = nanArray(n);
  const begin = firstFinite(x);
  if (n - begin <= period) return out;
  let gain = 0;
  let loss = 0;
  let prevValue = x[begin]!;
  let today = begin + 1;
  for (let i = period; i > 0; i--) {
    const value = x[today++]!;
    const change = value - prevValue;
    prevValue = value;
    if (change < 0) loss -= change;
    else gain += change;
  }
  loss /= period;
  gain /= period;
  out[today - 1] = rsiValue(gain, loss);
  for (; today < n; today++) {
    const value = x[today]!;
    const change = value - prevValue;
    prevValue = value;
    loss *= period - 1;
    gain *= period - 1;
    if (change < 0) loss -= change;
    else gain += change;
    loss /= period;
    gain /= period;
    out[today] = rsiValue(gain, loss);
  }
  return out;
}

function rsiValue(gain: number, loss: number): number {
  const total = gain + loss;
  return isZero(total) ? 0 : 100 * (gain / total);
}

/** Rate of change in percent: (x/xₜ₋ₚ − 1)·100, 0 when the old value is 0 (TA-Lib's guard). */
export function roc(x: Float64Array, period = 10): Float64Array {
  const n = x.length;
  const out = nanArray(n);
  for (let i = firstFinite(x) + period; i < n; i++) {
    const old = x[i - period]!;
    out[i] = old !== 0 ? (x[i]! / old - 1) * 100 : 0;
  }
  return out;
}

export interface Macd {
  macd: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

/**
 * TA-Lib's MACD: both EMAs start where the slow one can (the fast one seeded with the mean of its
 * last `fast` values there, not at its own earliest point), the signal is an EMA of the line, and
 * all three outputs start once the signal exists.
 */
export function macd(x: Float64Array, fast = 12, slow = 26, signalPeriod = 9): Macd {
  const n = x.length;
  const begin = firstFinite(x);
  const emaStart = begin + slow - 1;
  const firstOut = emaStart + signalPeriod - 1;
  const line = nanArray(n);
  const result = { macd: nanArray(n), signal: nanArray(n), hist: nanArray(n) };
  if (firstOut >= n) return result;
  const fastEma = emaSeededAt(x, fast, emaStart);
  const slowEma = emaSeededAt(x, slow, emaStart);
  for (let i = emaStart; i < n; i++) line[i] = fastEma[i]! - slowEma[i]!;
  const signal = emaSeededAt(line, signalPeriod, firstOut);
  for (let i = firstOut; i < n; i++) {
    result.macd[i] = line[i]!;
    result.signal[i] = signal[i]!;
    result.hist[i] = line[i]! - signal[i]!;
  }
  return result;
}

export interface Stochastic {
  k: Float64Array;
  d: Float64Array;
}

/** Fast stochastic (TA-Lib STOCHF): %K over `kPeriod` bars, %D its `dPeriod` SMA; both start with %D. */
export function stochFast(high: Float64Array, low: Float64Array, close: Float64Array, kPeriod = 14, dPeriod = 3): Stochastic {
  const n = close.length;
  const begin = firstFinite(high, low, close);
  const rawK = nanArray(n);
  for (let i = begin + kPeriod - 1; i < n; i++) {
    let highest = -Infinity;
    let lowest = Infinity;
    for (let j = i - kPeriod + 1; j <= i; j++) {
      if (high[j]! > highest) highest = high[j]!;
      if (low[j]! < lowest) lowest = low[j]!;
    }
    const diff = (highest - lowest) / 100;
    rawK[i] = diff !== 0 ? (close[i]! - lowest) / diff : 0;
  }
  const d = sma(rawK, dPeriod);
  const k = nanArray(n);
  for (let i = begin + kPeriod + dPeriod - 2; i < n; i++) k[i] = rawK[i]!;
  return { k, d };
}
