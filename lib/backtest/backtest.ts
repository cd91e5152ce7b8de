import { predictsUp } from '../evaluation/metrics';

export interface TradingMetrics {
  totalReturn: number;
  cagr: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  hitRate: number;
  turnover: number;
  exposure: number;
  days: number;
}

export interface DailyPoint {
  date: string;
  strategy: number;
  buyHold: number;
}

export interface BacktestResult {
  daily: DailyPoint[];
  metrics: TradingMetrics;
  buyHold: TradingMetrics;
}

const TRADING_DAYS = 252;

/**
 * Long/flat per ticker: at the close of day t the position for t+1 is long when P(up) > threshold,
 * else flat; the day's return is `nextReturn[t]` (close t → close t+1). Each position change costs
 * `costBps` basis points of the traded notional. The portfolio holds the tickers present on a date
 * with equal weight; buy-and-hold is the same equal-weight portfolio always long, without costs.
 */
export function runBacktest(o: {
  dates: string[];
  tickers: string[];
  proba: ArrayLike<number>;
  nextReturn: ArrayLike<number>;
  threshold?: number;
  costBps?: number;
}): BacktestResult {
  const threshold = o.threshold ?? 0.5;
  const cost = (o.costBps ?? 5) / 10_000;
  const byDate = new Map<string, number[]>();
  o.dates.forEach((d, i) => {
    if (!Number.isFinite(o.nextReturn[i]!)) return; // last session: no next-day return yet
    const list = byDate.get(d) ?? [];
    list.push(i);
    byDate.set(d, list);
  });
  const dates = [...byDate.keys()].sort();
  const position = new Map<string, number>();
  const strategy: number[] = [];
  const buyHold: number[] = [];
  const invested: boolean[] = [];
  let turnover = 0;
  let exposure = 0;
  for (const d of dates) {
    const rows = byDate.get(d)!;
    const w = 1 / rows.length;
    let s = 0,
      b = 0,
      traded = 0,
      held = 0;
    for (const i of rows) {
      const ticker = o.tickers[i]!;
      const pos = predictsUp(o.proba[i]!, threshold) ? 1 : 0;
      const prev = position.get(ticker) ?? 0;
      traded += Math.abs(pos - prev) * w;
      held += pos * w;
      position.set(ticker, pos);
      s += w * pos * o.nextReturn[i]!;
      b += w * o.nextReturn[i]!;
    }
    s -= traded * cost;
    turnover += traded;
    exposure += held;
    strategy.push(s);
    buyHold.push(b);
    invested.push(held > 0);
  }
  const daily: DailyPoint[] = [];
  let eqS = 1,
    eqB = 1;
  dates.forEach((d, k) => {
    eqS *= 1 + strategy[k]!;
    eqB *= 1 + buyHold[k]!;
    daily.push({ date: d, strategy: eqS, buyHold: eqB });
  });
  const metrics = tradingMetrics(strategy, invested);
  metrics.turnover = dates.length ? turnover / dates.length : 0;
  metrics.exposure = dates.length ? exposure / dates.length : 0;
  const bh = tradingMetrics(
    buyHold,
    buyHold.map(() => true),
  );
  bh.turnover = 0;
  bh.exposure = 1;
  return { daily, metrics, buyHold: bh };
}

/**
 * Conventions: Sharpe = mean/std (sample, ddof 1) × √252 with a zero risk-free rate; Sortino =
 * mean / downside deviation × √252, where downside deviation = √(mean over all days of min(r,0)²);
 * CAGR from the compounded total over days/252 years; max drawdown as a negative fraction of the
 * running peak, the starting capital (1.0) counting as the first peak (a fall on day one is a
 * drawdown); hit rate = share of invested days with a positive return.
 */
export function tradingMetrics(returns: number[], invested: boolean[]): TradingMetrics {
  const n = returns.length;
  if (n === 0)
    return { totalReturn: 0, cagr: 0, sharpe: NaN, sortino: NaN, maxDrawdown: 0, hitRate: NaN, turnover: 0, exposure: 0, days: 0 };
  let equity = 1,
    peak = 1,
    maxDd = 0,
    sum = 0,
    down = 0,
    hits = 0,
    investedDays = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    maxDd = Math.min(maxDd, equity / peak - 1);
    sum += r;
    down += Math.min(r, 0) ** 2;
    if (invested[i]) {
      investedDays++;
      if (r > 0) hits++;
    }
  }
  const mean = sum / n;
  let varSum = 0;
  for (const r of returns) varSum += (r - mean) ** 2;
  const std = n > 1 ? Math.sqrt(varSum / (n - 1)) : NaN;
  const downside = Math.sqrt(down / n);
  return {
    totalReturn: equity - 1,
    cagr: equity > 0 ? equity ** (TRADING_DAYS / n) - 1 : -1,
    sharpe: std > 0 ? (mean / std) * Math.sqrt(TRADING_DAYS) : NaN,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(TRADING_DAYS) : NaN,
    maxDrawdown: maxDd,
    hitRate: investedDays ? hits / investedDays : NaN,
    turnover: 0,
    exposure: 0,
    days: n,
  };
}
