"""Reference feature computations for bench/features: TA-Lib and plain pandas, same feature set.

argv: data file (float64 fields × n, see index.ts), offsets file (int64), mode (talib|pandas),
and optionally the candlestick patterns as TALIBNAME:feature,… (computed with TA-Lib in both modes).
Prints one JSON line: {"seconds": …, "rows": …, "maxrss_kb": …}.
"""
import json, sys, time
import numpy as np
import pandas as pd

data_file, offsets_file, mode = sys.argv[1:4]
patterns = [p.split(':') for p in sys.argv[4].split(',')] if len(sys.argv) > 4 and sys.argv[4] else []
offsets = np.fromfile(offsets_file, dtype=np.int64)
n = int(offsets[-1])
o, h, l, c, a, v = np.fromfile(data_file, dtype=np.float64).reshape(6, n)
W, H = 49, 5


def rolling_sum(x, w):
    cs = np.concatenate([[0.0], np.cumsum(x)])
    out = np.full(len(x), np.nan)
    out[w - 1:] = cs[w:] - cs[:-w]
    return out


def shift_ratio(x, k):
    out = np.full(len(x), np.nan)
    if k > 0:
        out[k:] = x[k:] / x[:-k] - 1
    else:
        out[:k] = x[-k:] / x[:k] - 1
    return out


def talib_features(o, h, l, c, v):
    import talib
    out = {}
    out['rsi_14'] = talib.RSI(c, 14)
    m, s, hist = talib.MACD(c, 12, 26, 9)
    out['macd_12_26'], out['macd_signal_9'], out['macd_hist'] = m / c, s / c, hist / c
    out['stoch_k_14'], out['stoch_d_3'] = talib.STOCHF(h, l, c, 14, 3, 0)
    out['roc_10'] = talib.ROC(c, 10)
    out['atr_14'] = talib.NATR(h, l, c, 14) / 100
    up, mid, lo = talib.BBANDS(c, 20, 2, 2, 0)
    out['bb_width_20'] = (up - lo) / mid
    out['bb_pctb_20'] = (c - lo) / (up - lo)
    out['ret_std_20'] = talib.STDDEV(shift_ratio(c, 1), 20, 1)
    obv = talib.OBV(c, v)
    vs = rolling_sum(v, 20)
    flow = np.full(len(c), np.nan)
    flow[20:] = (obv[20:] - obv[:-20]) / vs[20:]
    out['obv_flow_20'] = flow
    out['vwap_ratio_20'] = c / (rolling_sum((h + l + c) / 3 * v, 20) / vs) - 1
    out['volume_ratio_20'] = v / talib.SMA(v, 20)
    out['adx_14'] = talib.ADX(h, l, c, 14)
    for p in (5, 10, 20, 50):
        out[f'sma_ratio_{p}'] = c / talib.SMA(c, p) - 1
        out[f'ema_ratio_{p}'] = c / talib.EMA(c, p) - 1
    for p in (1, 5, 10, 20):
        out[f'ret_{p}'] = shift_ratio(c, p)
    return out


def pandas_features(o, h, l, c, v):
    h, l, c, v = pd.Series(h), pd.Series(l), pd.Series(c), pd.Series(v)
    out = {}
    d = c.diff()
    gain = d.clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
    loss = (-d.clip(upper=0)).ewm(alpha=1 / 14, adjust=False).mean()
    out['rsi_14'] = 100 * gain / (gain + loss)
    macd = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
    sig = macd.ewm(span=9, adjust=False).mean()
    out['macd_12_26'], out['macd_signal_9'], out['macd_hist'] = macd / c, sig / c, (macd - sig) / c
    hh, ll = h.rolling(14).max(), l.rolling(14).min()
    k = 100 * (c - ll) / (hh - ll)
    out['stoch_k_14'], out['stoch_d_3'] = k, k.rolling(3).mean()
    out['roc_10'] = 100 * c.pct_change(10)
    pc = c.shift(1)
    tr = pd.concat([h - l, (h - pc).abs(), (l - pc).abs()], axis=1).max(axis=1)
    out['atr_14'] = tr.ewm(alpha=1 / 14, adjust=False).mean() / c
    mid, sd = c.rolling(20).mean(), c.rolling(20).std(ddof=0)
    out['bb_width_20'] = 4 * sd / mid
    out['bb_pctb_20'] = (c - (mid - 2 * sd)) / (4 * sd)
    out['ret_std_20'] = c.pct_change().rolling(20).std(ddof=0)
    obv = (np.sign(d).fillna(0) * v).cumsum()
    vs = v.rolling(20).sum()
    out['obv_flow_20'] = obv.diff(20) / vs
    out['vwap_ratio_20'] = c / (((h + l + c) / 3 * v).rolling(20).sum() / vs) - 1
    out['volume_ratio_20'] = v / v.rolling(20).mean()
    up, down = h.diff(), -l.diff()
    plus_dm = up.where((up > down) & (up > 0), 0.0)
    minus_dm = down.where((down > up) & (down > 0), 0.0)
    atr = tr.ewm(alpha=1 / 14, adjust=False).mean()
    plus_di = 100 * plus_dm.ewm(alpha=1 / 14, adjust=False).mean() / atr
    minus_di = 100 * minus_dm.ewm(alpha=1 / 14, adjust=False).mean() / atr
    dx = 100 * (plus_di - minus_di).abs() / (plus_di + minus_di)
    out['adx_14'] = dx.ewm(alpha=1 / 14, adjust=False).mean()
    for p in (5, 10, 20, 50):
        out[f'sma_ratio_{p}'] = c / c.rolling(p).mean() - 1
        out[f'ema_ratio_{p}'] = c / c.ewm(span=p, adjust=False).mean() - 1
    for p in (1, 5, 10, 20):
        out[f'ret_{p}'] = c.pct_change(p)
    return {key: s.to_numpy() for key, s in out.items()}


compute = talib_features if mode == 'talib' else pandas_features
t0 = time.perf_counter()
frames = []
for i in range(len(offsets) - 1):
    s, e = int(offsets[i]), int(offsets[i + 1])
    f = a[s:e] / c[s:e]
    feats = compute(o[s:e] * f, h[s:e] * f, l[s:e] * f, a[s:e], v[s:e])
    if patterns:
        import talib
        oo, hh, ll = o[s:e] * f, h[s:e] * f, l[s:e] * f
        for fn, name in patterns:
            feats[name] = getattr(talib, fn)(oo, hh, ll, a[s:e]).astype(float)
    fwd = shift_ratio(a[s:e], -H)
    feats['label'] = np.where(np.isnan(fwd), np.nan, (fwd > 0).astype(float))
    feats['fwd_return'] = fwd
    feats['next_return'] = shift_ratio(a[s:e], -1)
    df = pd.DataFrame({k: np.asarray(x)[W:] for k, x in feats.items()})
    df.insert(0, 'ticker', f'T{i:04d}')
    frames.append(df)
frame = pd.concat(frames, ignore_index=True)
seconds = time.perf_counter() - t0
# VmHWM, not ru_maxrss: the latter survives exec and would report the parent Node process's peak.
with open('/proc/self/status') as status:
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))
print(json.dumps({'seconds': seconds, 'rows': int(len(frame)), 'maxrss_kb': hwm_kb}))
