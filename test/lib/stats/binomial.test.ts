import { describe, expect, it } from 'vitest';
import { binomTestTwoSided, mcnemarTest } from '../../../lib/stats';
import { runPythonJson } from '../../support/python';

const SCIPY_BINOM = `
import json, sys
from scipy.stats import binomtest, binom
cases = json.load(sys.stdin)
out = []
for c in cases['binom']:
    out.append(binomtest(c['k'], c['n'], c['p']).pvalue)
mc = []
for b, c in cases['mcnemar']:
    n = b + c
    exact = binomtest(b, n, 0.5).pvalue if n else 1.0
    # Mid-p (Fagerland, Lydersen & Laake 2013): 2·[P(X ≤ min) − ½·P(X = min)], written out independently.
    k = min(b, c)
    mid = 2 * (binom.cdf(k, n, 0.5) - 0.5 * binom.pmf(k, n, 0.5)) if n else 1.0
    mc.append([float(exact), float(min(mid, 1.0))])
print(json.dumps(dict(binom=out, mcnemar=mc)))
`;

describe('exact tests', () => {
  const binom = [
    { k: 3, n: 10, p: 0.5 },
    { k: 0, n: 7, p: 0.5 },
    { k: 7, n: 7, p: 0.5 },
    { k: 70, n: 125, p: 0.5 },
    { k: 70, n: 125, p: 0.53 },
    { k: 5, n: 40, p: 0.2 },
    { k: 20, n: 40, p: 0.2 },
    { k: 1200, n: 2000, p: 0.58 },
    { k: 11, n: 23, p: 0.31 },
    { k: 4, n: 4, p: 0.9 },
    { k: 300, n: 600, p: 0.5 },
  ];
  const pairs: [number, number][] = [
    [0, 0],
    [3, 3],
    [10, 2],
    [2, 10],
    [40, 61],
    [120, 95],
    [0, 6],
    [1, 0],
  ];

  it('binomial test and McNemar (exact and mid-p) give the p-values of scipy.stats.binomtest', () => {
    const ref = runPythonJson<{ binom: number[]; mcnemar: [number, number][] }>(SCIPY_BINOM, { binom, mcnemar: pairs });
    binom.forEach((c, i) => expect(binomTestTwoSided(c), JSON.stringify(c)).toBeCloseTo(ref.binom[i]!, 12));
    pairs.forEach(([b, c], i) => {
      const candidateCorrect: boolean[] = [];
      const productionCorrect: boolean[] = [];
      const push = (cc: boolean, pc: boolean, times: number) => {
        for (let t = 0; t < times; t++) {
          candidateCorrect.push(cc);
          productionCorrect.push(pc);
        }
      };
      push(true, false, b);
      push(false, true, c);
      push(true, true, 17); // concordant pairs do not enter the test
      push(false, false, 9);
      const r = mcnemarTest({ candidateCorrect, productionCorrect });
      expect([r.candidateOnly, r.productionOnly]).toEqual([b, c]);
      expect(r.pExact, `exact ${b}/${c}`).toBeCloseTo(ref.mcnemar[i]![0], 12);
      expect(r.pMid, `mid-p ${b}/${c}`).toBeCloseTo(ref.mcnemar[i]![1], 12);
    });
  });

  it('refuses impossible counts', () => {
    expect(() => binomTestTwoSided({ k: 5, n: 3, p: 0.5 })).toThrow(RangeError);
    expect(() => binomTestTwoSided({ k: 1, n: 3, p: 1.5 })).toThrow(RangeError);
  });
});
