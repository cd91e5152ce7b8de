import { describe, expect, it } from 'vitest';
import { runBacktest, tradingMetrics } from '../../../lib/backtest';
import { runPythonJson } from '../../support/python';

/** An independent pandas/numpy computation of the same long/flat strategy on the same signals. */
const REFERENCE = `
import json, sys, numpy as np, pandas as pd
c = json.load(sys.stdin)
df = pd.DataFrame(dict(date=c['dates'], ticker=c['tickers'], p=c['proba'], r=c['nextReturn']))
df['pos'] = (df.p > c['threshold']).astype(float)
df = df.sort_values(['ticker', 'date'])
df['trade'] = df.groupby('ticker').pos.diff().abs().fillna(df.pos)
df['w'] = 1.0 / df.groupby('date').ticker.transform('count')
g = df.assign(s=df.w * df.pos * df.r, b=df.w * df.r, t=df.w * df.trade).groupby('date')[['s', 'b', 't']].sum().sort_index()
strat = g.s - g.t * c['costBps'] / 1e4
def stats(r):
    eq = np.cumprod(1 + r.values)
    peak = np.maximum.accumulate(np.concatenate([[1.0], eq]))[1:]  # the starting capital is the first peak
    dd = min((eq / peak - 1).min(), 0.0)
    down = np.sqrt(np.mean(np.minimum(r.values, 0) ** 2))
    return dict(totalReturn=eq[-1] - 1, cagr=eq[-1] ** (252 / len(r)) - 1, sharpe=r.mean() / r.std(ddof=1) * np.sqrt(252),
                sortino=r.mean() / down * np.sqrt(252), maxDrawdown=dd)
print(json.dumps(dict(strategy=stats(strat), buyHold=stats(g.b), turnover=float(g.t.mean()))))
`;

describe('long/flat backtest', () => {
  it('matches an independent pandas computation of returns, CAGR, Sharpe, Sortino and drawdown', () => {
    let s = 7;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const dates: string[] = [],
      tickers: string[] = [],
      proba: number[] = [],
      nextReturn: number[] = [];
    for (let d = 0; d < 300; d++) {
      for (const t of ['A', 'B', 'C']) {
        if (t === 'C' && d < 40) continue; // a ticker that lists later: equal weight over those present
        dates.push(new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
        tickers.push(t);
        proba.push(rnd());
        nextReturn.push((rnd() - 0.48) * 0.04);
      }
    }
    const input = { dates, tickers, proba, nextReturn, threshold: 0.55, costBps: 7 };
    const ours = runBacktest(input);
    const ref = runPythonJson<{ strategy: Record<string, number>; buyHold: Record<string, number>; turnover: number }>(REFERENCE, input);
    for (const k of ['totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown'] as const) {
      expect(ours.metrics[k], k).toBeCloseTo(ref.strategy[k]!, 9);
      expect(ours.buyHold[k], `buy&hold ${k}`).toBeCloseTo(ref.buyHold[k]!, 9);
    }
    expect(ours.metrics.turnover).toBeCloseTo(ref.turnover, 12);
    expect(ours.daily).toHaveLength(300);
    expect(ours.metrics.exposure).toBeGreaterThan(0.3);
    expect(ours.metrics.exposure).toBeLessThan(0.6);
  });

  it('measures drawdown from the starting capital, so a fall on day one counts', () => {
    // Equity 0.9, 0.95, 0.92: relative to the first day's equity the worst fall would be 0 (peak 0.95 → 0.92 is −3.2%).
    const returns = [-0.1, 0.95 / 0.9 - 1, 0.92 / 0.95 - 1];
    expect(tradingMetrics(returns, [true, true, true]).maxDrawdown).toBeCloseTo(-0.1, 12);
    const up = tradingMetrics([0.05, -0.02], [true, true]);
    expect(up.maxDrawdown).toBeCloseTo(-0.02, 12);
    expect(tradingMetrics([0.01, 0.02], [true, true]).maxDrawdown).toBe(0);
    // Through runBacktest as well: one ticker always long, falling 10% on the first day.
    const dates = ['2024-01-01', '2024-01-02', '2024-01-03'];
    const bt = runBacktest({ dates, tickers: ['A', 'A', 'A'], proba: [0.9, 0.9, 0.9], nextReturn: returns, costBps: 0 });
    expect(bt.metrics.maxDrawdown).toBeCloseTo(-0.1, 12);
    expect(bt.buyHold.maxDrawdown).toBeCloseTo(-0.1, 12);
  });

  it('is flat when P(up) equals the threshold exactly (long only above it)', () => {
    const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'];
    const bt = runBacktest({
      dates,
      tickers: dates.map(() => 'A'),
      proba: [0.6, 0.6, 0.6000001, 0.6],
      nextReturn: [0.01, 0.02, 0.03, 0.04],
      threshold: 0.6,
      costBps: 0,
    });
    expect(bt.metrics.exposure).toBeCloseTo(0.25, 15);
    expect(bt.metrics.totalReturn).toBeCloseTo(0.03, 15);
  });
});
