import type { PriceSeries } from '../data/types';

export interface AdjustedBars {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/**
 * OHLC scaled by adjClose/close, so dividends and splits do not show up as price moves in any
 * indicator. Volume is left as reported (Yahoo's daily volume is already split-adjusted).
 */
export function adjustedBars(s: PriceSeries): AdjustedBars {
  const n = s.dates.length;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const factor = s.adjClose[i]! / s.close[i]!;
    open[i] = s.open[i]! * factor;
    high[i] = s.high[i]! * factor;
    low[i] = s.low[i]! * factor;
  }
  return { open, high, low, close: s.adjClose, volume: s.volume };
}
