export interface LabelOptions {
  /** Trading days ahead (default 5). */
  horizon: number;
  /** Label is 1 when the forward return is strictly above this (default 0). */
  threshold: number;
}

export interface Labels {
  /** 1 / 0, NaN where the forward return is not known yet (stored as null). */
  label: Float64Array;
  /** close[t+horizon]/close[t] − 1 on adjusted closes. */
  fwdReturn: Float64Array;
  /** close[t+1]/close[t] − 1: what a position held from t's close earns, for the backtest. */
  nextReturn: Float64Array;
}

export function computeLabels(adjClose: Float64Array, options: LabelOptions): Labels {
  const n = adjClose.length;
  const { horizon, threshold } = options;
  const label = new Float64Array(n).fill(Number.NaN);
  const fwdReturn = new Float64Array(n).fill(Number.NaN);
  const nextReturn = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    if (i + 1 < n) nextReturn[i] = adjClose[i + 1]! / adjClose[i]! - 1;
    if (i + horizon < n) {
      const r = adjClose[i + horizon]! / adjClose[i]! - 1;
      fwdReturn[i] = r;
      label[i] = r > threshold ? 1 : 0;
    }
  }
  return { label, fwdReturn, nextReturn };
}
