/** Exact binomial probabilities and the two-sided exact binomial test. */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = g[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += g[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

export function binomPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n || !Number.isInteger(k)) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/**
 * Two-sided exact binomial test of k successes in n trials against probability p, as
 * scipy.stats.binomtest: the probability of every outcome no more likely than the one observed
 * (with SciPy's relative slack of 1e-7 so that ties in the pmf are counted on both sides).
 */
export function binomTestTwoSided(o: { k: number; n: number; p: number }): number {
  const { k, n, p } = o;
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && k <= n))
    throw new RangeError(`binomial test needs 0 ≤ k ≤ n integers, got k=${k}, n=${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial test probability ${p} must be in [0, 1]`);
  if (n === 0) return 1;
  const observed = binomPmf(k, n, p) * (1 + 1e-7);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const q = binomPmf(i, n, p);
    if (q <= observed) total += q;
  }
  return Math.min(1, total);
}
