import { binomPmf, binomTestTwoSided } from './binomial';

export interface McNemarResult {
  /** Rows the candidate got right and production wrong. */
  candidateOnly: number;
  /** Rows production got right and the candidate wrong. */
  productionOnly: number;
  /** Exact conditional test: the discordant pairs are Binomial(b + c, ½) under equal accuracy. */
  pExact: number;
  /** Mid-p version (the observed outcome's probability counted half), less conservative (Fagerland, Lydersen & Laake 2013). */
  pMid: number;
}

/**
 * McNemar's test on paired correct/incorrect outcomes of two models on the same rows. It assumes
 * independent rows, which overlapping labels violate: the report shows it as a cross-check beside
 * the paired block bootstrap, never as the deciding test.
 */
export function mcnemarTest(o: { candidateCorrect: ArrayLike<boolean>; productionCorrect: ArrayLike<boolean> }): McNemarResult {
  const n = o.candidateCorrect.length;
  if (o.productionCorrect.length !== n) throw new RangeError(`McNemar needs paired rows: ${n} vs ${o.productionCorrect.length}`);
  let b = 0,
    c = 0;
  for (let i = 0; i < n; i++) {
    if (o.candidateCorrect[i] && !o.productionCorrect[i]) b++;
    else if (!o.candidateCorrect[i] && o.productionCorrect[i]) c++;
  }
  const m = b + c;
  if (m === 0) return { candidateOnly: b, productionOnly: c, pExact: 1, pMid: 1 };
  const pExact = binomTestTwoSided({ k: b, n: m, p: 0.5 });
  // Mid-p = 2·[P(X ≤ min(b, c)) − ½·P(X = min(b, c))]; the exact p is 2·P(X ≤ min(b, c)) when b ≠ c.
  const pMid = b === c ? 1 : Math.min(1, pExact - binomPmf(Math.min(b, c), m, 0.5));
  return { candidateOnly: b, productionOnly: c, pExact, pMid };
}
