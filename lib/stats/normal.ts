/**
 * The standard normal distribution: cdf, survival function and quantile, accurate to ~1e-15
 * (the PSR/DSR and the normal-approximation p-values need both tails).
 */

const SQRT2PI = Math.sqrt(2 * Math.PI);

export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT2PI;
}

/** Φ(x). Marsaglia's Taylor series (2004) near the centre, a Mills-ratio continued fraction in the tails. */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -3) return upperTail(-x);
  if (x > 3) return 1 - upperTail(x);
  let sum = x;
  let term = x;
  const x2 = x * x;
  for (let i = 3; i < 200; i += 2) {
    term *= x2 / i;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + sum * normPdf(x);
}

/** 1 − Φ(x) without cancellation for large x. */
export function normSf(x: number): number {
  return x > 3 ? upperTail(x) : normCdf(-x);
}

/** 1 − Φ(x) for x ≥ 3: φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))) (Laplace), evaluated bottom-up; 100 terms reach double precision there. */
function upperTail(x: number): number {
  if (x === Infinity) return 0;
  let f = x;
  for (let k = 100; k >= 1; k--) f = x + k / f;
  return normPdf(x) / f;
}

/**
 * Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step
 * on the accurate cdf above, which brings it to double precision.
 */
export function normPpf(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // Halley step; the error is taken on the side of the smaller tail so it does not cancel.
  const e = p < 0.5 ? normCdf(x) - p : 1 - p - normSf(x);
  const u = e * SQRT2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + (x * u) / 2);
}
