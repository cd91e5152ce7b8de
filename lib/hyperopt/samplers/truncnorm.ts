/**
 * Truncated-normal numerics for the Parzen estimators, following SciPy's approach (as Optuna
 * does): log Φ with an asymptotic series in the far left tail, log-masses by the side of the
 * axis that avoids cancellation, and the inverse CDF by Newton steps on log Φ.
 */
const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc(x) for x ≥ 0: a positive-term series for erf below 3, a continued fraction above. */
function erfcPositive(x: number): number {
  if (x < 3) {
    // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (all terms positive, no cancellation)
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // Lentz's algorithm for erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

export function erfc(x: number): number {
  return x >= 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

/** Standard normal CDF Φ. */
export function ndtr(a: number): number {
  const x = a / SQRT2;
  return x < 0 ? 0.5 * erfcPositive(-x) : 1 - 0.5 * erfcPositive(x);
}

export function logNdtr(a: number): number {
  if (a > 6) return -ndtr(-a); // log(1 − ε) ≈ −ε
  if (a > -20) return Math.log(ndtr(a));
  // Asymptotic series: Φ(a) ≈ φ(a)/(−a) · Σ (−1)ⁿ (2n−1)!! / a^{2n}
  const lhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
  let last = 0;
  let rhs = 1;
  let numerator = 1;
  let denom = 1;
  let sign = 1;
  for (let i = 1; Math.abs(last - rhs) > Number.EPSILON && i < 100; i++) {
    last = rhs;
    sign = -sign;
    denom /= a * a;
    numerator *= 2 * i - 1;
    rhs += sign * numerator * denom;
  }
  return lhs + Math.log(rhs);
}

const logDiff = (logP: number, logQ: number) => logP + Math.log1p(-Math.exp(logQ - logP));

/** log(Φ(b) − Φ(a)) for a < b. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** x with log Φ(x) = y (y ≤ 0), by Newton's method from an asymptotic/logistic first guess. */
export function ndtriExp(y: number): number {
  const flipped = y > -1e-2;
  const z = flipped ? Math.log(-Math.expm1(y)) : y;
  let x = z < -5 ? -Math.sqrt(-2 * (z + LOG_SQRT_2PI)) : -(Math.sqrt(3) / Math.PI) * Math.log(Math.expm1(-z));
  for (let i = 0; i < 100; i++) {
    const logNdtrX = logNdtr(x);
    const logPdf = -0.5 * x * x - LOG_SQRT_2PI;
    const dx = (logNdtrX - z) * Math.exp(logNdtrX - logPdf);
    x -= dx;
    if (Math.abs(dx) < 1e-8 * Math.abs(x)) break;
  }
  return flipped ? -x : x;
}

/** Inverse CDF of the standard normal truncated to [a, b], at quantile q. */
export function ppf(q: number, a: number, b: number): number {
  if (a === b) return a;
  const logMass = logGaussMass(a, b);
  if (a < 0) {
    const logQ = Math.log(q);
    const logLeft = logNdtr(a);
    const m = Math.max(logLeft, logQ + logMass);
    return ndtriExp(m + Math.log(Math.exp(logLeft - m) + Math.exp(logQ + logMass - m)));
  }
  // Right side: mirror to keep the computation in the accurate left tail.
  const logQ = Math.log1p(-q);
  const logLeft = logNdtr(-b);
  const m = Math.max(logLeft, logQ + logMass);
  return -ndtriExp(m + Math.log(Math.exp(logLeft - m) + Math.exp(logQ + logMass - m)));
}

/** Draw from N(mu, sigma²) truncated to [low, high]. */
export function sampleTruncNorm(u: number, mu: number, sigma: number, low: number, high: number): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  const x = mu + sigma * ppf(u, a, b);
  return Math.min(Math.max(x, low), high);
}

/** log density of N(mu, sigma²) truncated to [low, high] at x. */
export function logPdfTruncNorm(x: number, mu: number, sigma: number, low: number, high: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - logGaussMass((low - mu) / sigma, (high - mu) / sigma);
}
