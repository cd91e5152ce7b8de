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

/** NumPy's `logaddexp`: log(eˣ + eʸ) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === y) return x + Math.LN2;
  const d = x - y;
  return d > 0 ? x + Math.log1p(Math.exp(-d)) : d <= 0 ? y + Math.log1p(Math.exp(d)) : d;
}

/**
 * x with log Φ(x) = y (y ≤ 0) for a batch, by Newton's method from an asymptotic/logistic first
 * guess. As in Optuna, the whole batch iterates until every element has converged.
 */
export function ndtriExpBatch(ys: number[]): number[] {
  const flipped = ys.map((y) => y > -1e-2);
  const z = ys.map((y, i) => (flipped[i] ? Math.log(-Math.expm1(y)) : y));
  const x = z.map((zi) => (zi < -5 ? -Math.sqrt(-2 * (zi + LOG_SQRT_2PI)) : -(Math.sqrt(3) / Math.PI) * Math.log(Math.expm1(-zi))));
  for (let iter = 0; iter < 100; iter++) {
    let converged = true;
    for (let i = 0; i < x.length; i++) {
      const logNdtrX = logNdtr(x[i]!);
      const logPdf = -0.5 * x[i]! ** 2 - LOG_SQRT_2PI;
      const dx = (logNdtrX - z[i]!) * Math.exp(logNdtrX - logPdf);
      x[i]! -= dx;
      if (!(Math.abs(dx) < 1e-8 * Math.abs(x[i]!))) converged = false;
    }
    if (converged) break;
  }
  return x.map((xi, i) => (flipped[i] ? -xi : xi));
}

export function ndtriExp(y: number): number {
  return ndtriExpBatch([y])[0]!;
}

/**
 * Inverse CDF of standard normals truncated to [a_i, b_i] at quantiles q_i, solved as Optuna
 * does: the left (a < 0) and right cases each as one batch, the right case mirrored to stay in
 * the accurate left tail.
 */
export function ppfBatch(q: number[], a: number[], b: number[]): number[] {
  const out = new Array<number>(q.length);
  const left: number[] = [];
  const right: number[] = [];
  q.forEach((_, i) => (a[i]! < 0 ? left : right).push(i));
  const solve = (idx: number[], sign: 1 | -1) => {
    if (!idx.length) return;
    const ys = idx.map((i) => {
      const logMass = logGaussMass(a[i]!, b[i]!);
      return sign === 1 ? logAddExp(logNdtr(a[i]!), Math.log(q[i]!) + logMass) : logAddExp(logNdtr(-b[i]!), Math.log1p(-q[i]!) + logMass);
    });
    ndtriExpBatch(ys).forEach((x, j) => (out[idx[j]!] = sign * x));
  };
  solve(left, 1);
  solve(right, -1);
  for (let i = 0; i < q.length; i++) {
    if (q[i] === 0) out[i] = a[i]!;
    if (q[i] === 1) out[i] = b[i]!;
    if (a[i] === b[i]) out[i] = NaN;
  }
  return out;
}

/** Inverse CDF of the standard normal truncated to [a, b], at quantile q. */
export function ppf(q: number, a: number, b: number): number {
  if (a === b) return a;
  return ppfBatch([q], [a], [b])[0]!;
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
