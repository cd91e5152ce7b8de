/**
 * How much memory a training worker needs for a universe, estimated before a run starts, so a
 * universe too large for the worker is refused with the figures instead of ending in an
 * out-of-memory kill at the training stage.
 *
 * Measured on the embedded market (issue 26, `trainctl worker` peak RSS from /proc VmHWM): 1,000
 * tickers × 10 years (2.56M rows of 27 features) peaked at 4.8 GB, at the start of the training
 * stage (the feature set read by polars, the matrix, the training window's copy and the first
 * fold's). The estimate is that figure per row, plus the idle worker; extra features (candlestick
 * patterns) add their share. bench/scale measures it per size.
 */
export const WORKER_BASE_MB = 350;
export const BYTES_PER_ROW_27_FEATURES = 1900;
const BASE_FEATURES = 27;

/** Trading days per period; `max` is estimated as 20 years (the oldest history a source usually has). */
const TRADING_DAYS: Record<string, number> = { '1y': 252, '2y': 504, '3y': 756, '5y': 1260, '10y': 2520, max: 5040 };

export function estimateWorkerMemoryMb(o: { tickers: number; period: string; extraFeatures?: number }): number {
  const rows = o.tickers * (TRADING_DAYS[o.period] ?? 5040);
  const perRow = BYTES_PER_ROW_27_FEATURES * ((BASE_FEATURES + (o.extraFeatures ?? 0)) / BASE_FEATURES);
  return Math.round(WORKER_BASE_MB + (rows * perRow) / 2 ** 20);
}
