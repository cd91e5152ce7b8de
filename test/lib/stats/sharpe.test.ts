import { describe, expect, it } from 'vitest';
import { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe, returnMoments } from '../../../lib/stats';
import { runPythonJson } from '../../support/python';

/** The papers' formulas written out directly with NumPy/SciPy. */
const REFERENCE = `
import json, sys
import numpy as np
from scipy.stats import norm, skew, kurtosis
c = json.load(sys.stdin)
out = []
for r in c['series']:
    r = np.array(r); T = len(r)
    sr = r.mean() / r.std(ddof=1)
    g3 = skew(r); g4 = kurtosis(r, fisher=False)
    psr = lambda bench: norm.cdf((sr - bench) * np.sqrt(T - 1) / np.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr ** 2))
    row = dict(sr=sr, skew=g3, kurt=g4, psr0=psr(0.0), psr_b=psr(0.05), dsr={})
    for N in c['trials']:
        v = 1 / (T - 1)
        e = np.euler_gamma
        sr0 = np.sqrt(v) * ((1 - e) * norm.ppf(1 - 1 / N) + e * norm.ppf(1 - 1 / (N * np.e)))
        row['dsr'][str(N)] = [float(sr0), float(psr(sr0))]
    out.append({k: (float(v) if not isinstance(v, dict) else v) for k, v in row.items()})
print(json.dumps(out))
`;

function series(n: number, seed: number, drift: number): number[] {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  // Skewed, fat-tailed daily returns: a normal body with occasional jumps down.
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
    return drift + 0.01 * z + (rnd() < 0.03 ? -0.03 : 0);
  });
}

describe('Probabilistic and Deflated Sharpe Ratio', () => {
  it('match a direct NumPy/SciPy implementation of Bailey & López de Prado (2012, 2014)', () => {
    const cases = [series(125, 1, 0.0015), series(500, 2, 0.0004), series(60, 3, -0.001)];
    const trials = [2, 10, 50, 200];
    const ref = runPythonJson<
      { sr: number; skew: number; kurt: number; psr0: number; psr_b: number; dsr: Record<string, [number, number]> }[]
    >(REFERENCE, { series: cases, trials });
    cases.forEach((r, i) => {
      const m = returnMoments(r);
      const e = ref[i]!;
      expect(m.sharpe).toBeCloseTo(e.sr, 12);
      expect(m.skew).toBeCloseTo(e.skew, 10);
      expect(m.kurtosis).toBeCloseTo(e.kurt, 10);
      expect(probabilisticSharpe({ moments: m })).toBeCloseTo(e.psr0, 12);
      expect(probabilisticSharpe({ moments: m, benchmark: 0.05 })).toBeCloseTo(e.psr_b, 12);
      for (const n of trials) {
        const d = deflatedSharpe({ moments: m, trials: n });
        expect(d.benchmark, `SR0 N=${n}`).toBeCloseTo(e.dsr[String(n)]![0], 12);
        expect(d.dsr, `DSR N=${n}`).toBeCloseTo(e.dsr[String(n)]![1], 12);
      }
    });
  });

  it('deflates more the more trials were tried, and one trial is no deflation', () => {
    const m = returnMoments(series(250, 9, 0.001));
    const dsr = [1, 5, 50, 500].map((n) => deflatedSharpe({ moments: m, trials: n }).dsr);
    expect(dsr[0]).toBeCloseTo(probabilisticSharpe({ moments: m }), 15);
    for (let k = 1; k < dsr.length; k++) expect(dsr[k]).toBeLessThan(dsr[k - 1]!);
    expect(expectedMaxSharpe({ trials: 1, variance: 1 })).toBe(0);
    expect(() => expectedMaxSharpe({ trials: 0, variance: 1 })).toThrow(RangeError);
  });

  it('weights count a return that many times, as a bootstrap resample repeats a date', () => {
    const r = series(40, 4, 0.001);
    const w = r.map((_, i) => i % 3);
    const repeated = r.flatMap((v, i) => Array<number>(w[i]!).fill(v));
    const a = returnMoments(r, w);
    const b = returnMoments(repeated);
    expect(a.n).toBe(b.n);
    expect(a.sharpe).toBeCloseTo(b.sharpe, 12);
    expect(a.skew).toBeCloseTo(b.skew, 10);
    expect(a.kurtosis).toBeCloseTo(b.kurtosis, 10);
  });
});
