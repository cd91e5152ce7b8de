import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { columnAsFloat64 } from '../../../lib/data/polarsColumns';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import { FEATURE_NAMES, FEATURE_WARMUP } from '../../../lib/features/definitions';
import { tickerFeatureFrame } from '../../../lib/features/featureFrame';
import { runPythonJson } from '../../support/python';
import { expectClose } from './expectClose';

// A real-looking series whose adjusted close differs from the close (a dividend every ~60 days),
// so the OHLC adjustment is exercised too.
const base = generateSyntheticMarket({ seed: 11, tickers: ['SYN-F'], start: '2019-01-01', end: '2021-12-31' }).series[0]!;
const series = { ...base, adjClose: base.close.map((c, i) => c * 0.97 ** Math.floor((base.close.length - 1 - i) / 60)) };
const config = { labelHorizon: 5, labelThreshold: 0.001 };
const frame = tickerFeatureFrame(series, config);

/** The feature set computed independently: TA-Lib for what it has, pandas for the rest. */
const REFERENCE = `
import sys, json, numpy as np, pandas as pd, talib
d = json.load(sys.stdin)
o, h, l, c, a, v = (np.array(d[k], dtype=float) for k in ('open', 'high', 'low', 'close', 'adjClose', 'volume'))
f = a / c
o, h, l, c = o * f, h * f, l * f, a
s = pd.Series(c)
out = {}
out['rsi_14'] = talib.RSI(c, 14)
m, sig, hist = talib.MACD(c, 12, 26, 9)
out['macd_12_26'], out['macd_signal_9'], out['macd_hist'] = m / c, sig / c, hist / c
out['stoch_k_14'], out['stoch_d_3'] = talib.STOCHF(h, l, c, 14, 3, 0)
out['roc_10'] = talib.ROC(c, 10)
out['atr_14'] = talib.NATR(h, l, c, 14) / 100
up, mid, lo = talib.BBANDS(c, 20, 2, 2, 0)
out['bb_width_20'] = (up - lo) / mid
out['bb_pctb_20'] = (c - lo) / (up - lo)
out['ret_std_20'] = talib.STDDEV(s.pct_change().to_numpy(), 20, 1)
obv = pd.Series(talib.OBV(c, v))
vol = pd.Series(v)
out['obv_flow_20'] = ((obv - obv.shift(20)) / vol.rolling(20).sum()).to_numpy()
tp = pd.Series((h + l + c) / 3)
out['vwap_ratio_20'] = (c / ((tp * vol).rolling(20).sum() / vol.rolling(20).sum()) - 1).to_numpy()
out['volume_ratio_20'] = (vol / vol.rolling(20).mean()).to_numpy()
out['adx_14'] = talib.ADX(h, l, c, 14)
for n in (5, 10, 20, 50):
    out[f'sma_ratio_{n}'] = c / talib.SMA(c, n) - 1
    out[f'ema_ratio_{n}'] = c / talib.EMA(c, n) - 1
for n in (1, 5, 10, 20):
    out[f'ret_{n}'] = s.pct_change(n, fill_method=None).to_numpy()
fwd = s.shift(-5) / s - 1
out['fwd_return'] = fwd.to_numpy()
out['label'] = np.where(fwd.isna(), np.nan, (fwd > 0.001).astype(float))
out['next_return'] = (s.shift(-1) / s - 1).to_numpy()
W = ${FEATURE_WARMUP}
print(json.dumps({k: [None if np.isnan(x) else float(x) for x in np.asarray(arr)[W:]] for k, arr in out.items()}))
`;

const ref = runPythonJson<Record<string, (number | null)[]>>(REFERENCE, {
  open: [...series.open],
  high: [...series.high],
  low: [...series.low],
  close: [...series.close],
  adjClose: [...series.adjClose],
  volume: [...series.volume],
});

describe('feature frame', () => {
  it('has date, ticker, ≥ 20 features, label, fwd_return, next_return from the end of the warm-up', () => {
    expect(FEATURE_NAMES.length).toBeGreaterThanOrEqual(20);
    expect(frame.columns).toEqual(['date', 'ticker', ...FEATURE_NAMES, 'label', 'fwd_return', 'next_return']);
    expect(frame.height).toBe(series.dates.length - FEATURE_WARMUP);
    expect(frame.getColumn('date').get(0)).toBe(series.dates[FEATURE_WARMUP]);
    expect(String(frame.getColumn('label').dtype)).toMatch(/Int8/);
    // Every feature is defined from the first emitted row on.
    for (const name of FEATURE_NAMES) expect(frame.getColumn(name).nullCount()).toBe(0);
  });

  for (const name of FEATURE_NAMES) {
    it(`${name} matches the TA-Lib/pandas reference`, () => {
      // Absolute slack for values that cancel to ~0 (e.g. %B = (close − lower)/(upper − lower) when the
      // close sits on a band): prices ~100 carry ~1e-14 rounding each, amplified by the division.
      expectClose(columnAsFloat64(frame, name), ref[name]!, 1e-9, 1e-11);
    });
  }

  it('labels: forward 5-day return above the threshold, null where the future is unknown', () => {
    expectClose(columnAsFloat64(frame, 'fwd_return'), ref.fwd_return!, 1e-12);
    expectClose(columnAsFloat64(frame, 'next_return'), ref.next_return!, 1e-12);
    expectClose(columnAsFloat64(frame, 'label'), ref.label!, 0);
    const labels = frame.getColumn('label').toArray();
    expect(labels.slice(-5)).toEqual([null, null, null, null, null]);
    expect(labels.at(-6)).not.toBeNull();
    expect(frame.getColumn('next_return').toArray().at(-1)).toBeNull();
    expect(frame.select(pl.col('rsi_14')).height).toBe(frame.height);
  });
});
