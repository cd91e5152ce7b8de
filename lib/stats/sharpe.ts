import { normCdf, normPpf } from './normal';

/** Trading days per year, as lib/backtest annualises. */
export const PERIODS_PER_YEAR = 252;
const EULER_GAMMA = 0.5772156649015329;

export interface ReturnMoments {
  /** Observations T. */
  n: number;
  /** Per-period Sharpe ratio μ̂ / σ̂ (σ̂ with ddof 1, as lib/backtest). */
  sharpe: number;
  /** Skewness γ̂₃ (moment estimator, SciPy's skew with bias=True). */
  skew: number;
  /** Kurtosis γ̂₄, not excess: 3 for normal returns (SciPy's kurtosis with fisher=False, bias=True). */
  kurtosis: number;
}

/** Moments of a return series, each return counted `weights[i]` times (a bootstrap multiplicity). */
export function returnMoments(returns: ArrayLike<number>, weights?: ArrayLike<number>): ReturnMoments {
  let n = 0,
    s = 0;
  for (let i = 0; i < returns.length; i++) {
    const w = weights ? weights[i]! : 1;
    n += w;
    s += w * returns[i]!;
  }
  const mean = s / n;
  let m2 = 0,
    m3 = 0,
    m4 = 0;
  for (let i = 0; i < returns.length; i++) {
    const w = weights ? weights[i]! : 1;
    const d = returns[i]! - mean;
    m2 += w * d * d;
    m3 += w * d * d * d;
    m4 += w * d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const std = n > 1 ? Math.sqrt((m2 * n) / (n - 1)) : NaN;
  return { n, sharpe: std > 0 ? mean / std : NaN, skew: m2 > 0 ? m3 / m2 ** 1.5 : NaN, kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN };
}

/**
 * Probabilistic Sharpe Ratio (Bailey & López de Prado 2012, eq. 11): the probability that the true
 * per-period Sharpe exceeds `benchmark`, given the estimate's skewness and kurtosis:
 *   PSR = Φ( (SR̂ − SR*)·√(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4 · SR̂²) ).
 */
export function probabilisticSharpe(o: { moments: ReturnMoments; benchmark?: number }): number {
  const { n, sharpe: sr, skew, kurtosis } = o.moments;
  const denom = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(n > 1) || !Number.isFinite(sr) || !(denom > 0)) return NaN;
  return normCdf(((sr - (o.benchmark ?? 0)) * Math.sqrt(n - 1)) / Math.sqrt(denom));
}

/**
 * Expected maximum of N per-period Sharpe estimates of unskilled strategies (Bailey & López de
 * Prado 2014, eq. 2 after the false-strategy theorem):
 *   SR₀ = √V[SR̂ₙ] · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ = Euler–Mascheroni.
 */
export function expectedMaxSharpe(o: { trials: number; variance: number }): number {
  if (!(Number.isInteger(o.trials) && o.trials >= 1)) throw new RangeError(`trials ${o.trials} must be a positive integer`);
  if (o.trials === 1) return 0;
  const n = o.trials;
  return Math.sqrt(o.variance) * ((1 - EULER_GAMMA) * normPpf(1 - 1 / n) + EULER_GAMMA * normPpf(1 - 1 / (n * Math.E)));
}

/**
 * Deflated Sharpe Ratio (Bailey & López de Prado 2014): the PSR against SR₀, the Sharpe the best of
 * `trials` unskilled configurations would show by luck. The variance of the trials' Sharpe ratios
 * is rarely recorded (our search optimises log loss, not Sharpe); without it we use the sampling
 * variance of a zero Sharpe estimate over T periods, 1/(T − 1) (the PSR denominator at SR = 0),
 * i.e. the trials are assumed unskilled and independent — the null the deflation is about.
 */
export function deflatedSharpe(o: { moments: ReturnMoments; trials: number; trialSharpeVariance?: number }): {
  dsr: number;
  benchmark: number;
} {
  const variance = o.trialSharpeVariance ?? 1 / (o.moments.n - 1);
  const benchmark = expectedMaxSharpe({ trials: o.trials, variance });
  return { dsr: probabilisticSharpe({ moments: o.moments, benchmark }), benchmark };
}

export function annualise(perPeriodSharpe: number): number {
  return perPeriodSharpe * Math.sqrt(PERIODS_PER_YEAR);
}
