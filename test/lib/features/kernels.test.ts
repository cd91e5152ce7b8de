import { describe, it } from 'vitest';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import * as k from '../../../lib/features/kernels';
import { runPythonJson } from '../../support/python';
import { expectClose } from './expectClose';

// Two tickers: a long synthetic one and a short one with a flat stretch (zero-range bars, RSI/ADX guards).
const market = generateSyntheticMarket({ seed: 7, tickers: ['SYN-K'], start: '2015-01-01', end: '2017-06-30' });
const s = market.series[0]!;
const flat = Float64Array.from({ length: 120 }, (_, i) => (i >= 40 && i < 70 ? 50 : 50 + Math.sin(i / 3) * 2 + i / 50));

const TALIB = `
import sys, json, numpy as np, talib
d = json.load(sys.stdin)
h, l, c, v, f = (np.array(d[k], dtype=float) for k in ('h', 'l', 'c', 'v', 'flat'))
r = np.concatenate([[np.nan], c[1:] / c[:-1] - 1])
macd, sig, hist = talib.MACD(c, 12, 26, 9)
k_, d_ = talib.STOCHF(h, l, c, fastk_period=14, fastd_period=3, fastd_matype=0)
up, mid, lo = talib.BBANDS(c, 20, 2, 2, 0)
fup, fmid, flo = talib.BBANDS(f, 20, 2, 2, 0)
out = dict(
  sma5=talib.SMA(c, 5), sma50=talib.SMA(c, 50), ema10=talib.EMA(c, 10), ema50=talib.EMA(c, 50),
  rsi=talib.RSI(c, 14), rsiFlat=talib.RSI(f, 14), roc=talib.ROC(c, 10),
  macd=macd, signal=sig, hist=hist, k=k_, d=d_, atr=talib.ATR(h, l, c, 14), tr=talib.TRANGE(h, l, c),
  up=up, mid=mid, lo=lo, fup=fup, flo=flo, std=talib.STDDEV(r, 20, 1), obv=talib.OBV(c, v),
  adx=talib.ADX(h, l, c, 14), adxFlat=talib.ADX(f + 0.5, f - 0.5, f, 14),
)
print(json.dumps({k: [None if np.isnan(x) else float(x) for x in a] for k, a in out.items()}))
`;

type Ref = Record<string, (number | null)[]>;
const ref = runPythonJson<Ref>(TALIB, {
  h: [...s.high],
  l: [...s.low],
  c: [...s.close],
  v: [...s.volume],
  flat: [...flat],
});
const returns = Float64Array.from(s.close, (c, i) => (i === 0 ? Number.NaN : c / s.close[i - 1]! - 1));

describe('indicator kernels match TA-Lib 0.8.2 (1e-9 relative, same NaN warm-up)', () => {
  it('SMA and EMA', () => {
    expectClose(k.sma(s.close, 5), ref.sma5!);
    expectClose(k.sma(s.close, 50), ref.sma50!);
    expectClose(k.ema(s.close, 10), ref.ema10!);
    expectClose(k.ema(s.close, 50), ref.ema50!);
  });
  it('RSI (Wilder), including a flat stretch', () => {
    expectClose(k.rsi(s.close, 14), ref.rsi!);
    expectClose(k.rsi(flat, 14), ref.rsiFlat!);
  });
  it('ROC', () => expectClose(k.roc(s.close, 10), ref.roc!));
  it('MACD 12/26/9', () => {
    const m = k.macd(s.close, 12, 26, 9);
    expectClose(m.macd, ref.macd!);
    expectClose(m.signal, ref.signal!);
    expectClose(m.hist, ref.hist!, 1e-9, 1e-12);
  });
  it('fast stochastic 14/3', () => {
    const st = k.stochFast(s.high, s.low, s.close, 14, 3);
    expectClose(st.k, ref.k!);
    expectClose(st.d, ref.d!);
  });
  it('true range and ATR (Wilder)', () => {
    expectClose(k.trueRange(s.high, s.low, s.close), ref.tr!);
    expectClose(k.atr(s.high, s.low, s.close, 14), ref.atr!);
  });
  it('Bollinger bands 20/2σ, including zero variance', () => {
    const b = k.bollinger(s.close, 20, 2);
    expectClose(b.upper, ref.up!);
    expectClose(b.middle, ref.mid!);
    expectClose(b.lower, ref.lo!);
    const fb = k.bollinger(flat, 20, 2);
    expectClose(fb.upper, ref.fup!);
    expectClose(fb.lower, ref.flo!);
  });
  it('standard deviation of returns (leading NaN skipped like the TA-Lib wrapper)', () => {
    expectClose(k.stddev(returns, 20), ref.std!);
  });
  it('OBV', () => expectClose(k.obv(s.close, s.volume), ref.obv!));
  it('ADX (Wilder), including a flat stretch', () => {
    expectClose(k.adx(s.high, s.low, s.close, 14), ref.adx!);
    const fh = flat.map((x) => x + 0.5);
    const fl = flat.map((x) => x - 0.5);
    expectClose(k.adx(fh, fl, flat, 14), ref.adxFlat!);
  });
});
