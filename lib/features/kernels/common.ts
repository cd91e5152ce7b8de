/**
 * Shared conventions of the indicator kernels. They follow TA-Lib's C code operation by operation
 * (seeding, running sums, zero guards) so results agree to rounding, and like TA-Lib's Python
 * wrapper they skip leading NaNs: the computation starts at the first index where every input is
 * finite. Outputs have the input's length with NaN where the indicator is not yet defined.
 */

/** First index where every array holds a finite value (length when none does). */
export function firstFinite(...arrays: Float64Array[]): number {
  const n = arrays[0]!.length;
  outer: for (let i = 0; i < n; i++) {
    for (const a of arrays) if (!Number.isFinite(a[i]!)) continue outer;
    return i;
  }
  return n;
}

export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

/** TA-Lib's TA_IS_ZERO: values this close to zero are treated as zero to avoid dividing by noise. */
export function isZero(v: number): boolean {
  return v > -1e-8 && v < 1e-8;
}

/** TA-Lib's TA_IS_ZERO_OR_NEG, used before square roots of variances. */
export function isZeroOrNeg(v: number): boolean {
  return v < 1e-8;
}
