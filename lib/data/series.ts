import type { PriceSeries } from './types';

export const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

export function emptySeries(ticker: string, dates: string[]): PriceSeries {
  const n = dates.length;
  return {
    ticker,
    dates,
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    adjClose: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Rows [from, to) as a new series (typed arrays copied, so callers may mutate freely). */
export function sliceSeries(s: PriceSeries, from: number, to = s.dates.length): PriceSeries {
  const out: PriceSeries = { ticker: s.ticker, dates: s.dates.slice(from, to) } as PriceSeries;
  for (const f of PRICE_FIELDS) out[f] = s[f].slice(from, to);
  return out;
}

/** Rows with start ≤ date ≤ end (either bound optional); dates must be ascending. */
export function sliceByDate(s: PriceSeries, start?: string, end?: string): PriceSeries {
  const from = start === undefined ? 0 : lowerBound(s.dates, start);
  const to = end === undefined ? s.dates.length : upperBound(s.dates, end);
  return sliceSeries(s, from, Math.max(from, to));
}

/** Rows of `a` before `b` starts, then all of `b`: `b` wins where the two overlap. */
export function concatSeries(a: PriceSeries, b: PriceSeries): PriceSeries {
  const head = b.dates.length === 0 ? a : sliceSeries(a, 0, lowerBound(a.dates, b.dates[0]!));
  const tail = b.dates.length === 0 ? emptySeries(a.ticker, []) : b;
  const out: PriceSeries = { ticker: a.ticker, dates: [...head.dates, ...tail.dates] } as PriceSeries;
  for (const f of PRICE_FIELDS) {
    const arr = new Float64Array(head.dates.length + tail.dates.length);
    arr.set(head[f], 0);
    arr.set(tail[f], head.dates.length);
    out[f] = arr;
  }
  return out;
}

/** First index with sorted[i] ≥ value. */
export function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with sorted[i] > value. */
export function upperBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
