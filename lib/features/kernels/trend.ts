import { firstFinite, isZero, nanArray } from './common';

/**
 * Wilder's ADX, following TA-Lib's C implementation step by step: directional movement and true
 * range are summed over the first period−1 bars, then Wilder-smoothed; the first ADX is the mean
 * of `period` DX values, so it appears at begin + 2·period − 1.
 */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const n = close.length;
  const out = nanArray(n);
  const begin = firstFinite(high, low, close);
  if (begin + 2 * period - 1 >= n) return out;
  let today = begin;
  let prevHigh = high[today]!;
  let prevLow = low[today]!;
  let prevClose = close[today]!;
  let minusDM = 0;
  let plusDM = 0;
  let tr = 0;
  const step = (smooth: boolean): void => {
    today++;
    const h = high[today]!;
    const l = low[today]!;
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    prevHigh = h;
    prevLow = l;
    if (smooth) {
      minusDM -= minusDM / period;
      plusDM -= plusDM / period;
    }
    if (diffM > 0 && diffP < diffM) minusDM += diffM;
    else if (diffP > 0 && diffP > diffM) plusDM += diffP;
    let range = h - l;
    const up = Math.abs(h - prevClose);
    if (up > range) range = up;
    const down = Math.abs(l - prevClose);
    if (down > range) range = down;
    tr = smooth ? tr - tr / period + range : tr + range;
    prevClose = close[today]!;
  };
  const dx = (): number | undefined => {
    if (isZero(tr)) return undefined;
    const minusDI = 100 * (minusDM / tr);
    const plusDI = 100 * (plusDM / tr);
    const sum = minusDI + plusDI;
    return isZero(sum) ? undefined : 100 * (Math.abs(minusDI - plusDI) / sum);
  };
  for (let i = period - 1; i > 0; i--) step(false);
  let sumDX = 0;
  for (let i = period; i > 0; i--) {
    step(true);
    sumDX += dx() ?? 0;
  }
  let prevAdx = sumDX / period;
  out[today] = prevAdx;
  while (today < n - 1) {
    step(true);
    const value = dx();
    if (value !== undefined) prevAdx = (prevAdx * (period - 1) + value) / period;
    out[today] = prevAdx;
  }
  return out;
}
