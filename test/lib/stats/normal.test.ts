import { describe, expect, it } from 'vitest';
import { normCdf, normPpf, normSf } from '../../../lib/stats';
import { runPythonJson } from '../../support/python';

const SCIPY = `
import json, sys
from scipy.stats import norm
c = json.load(sys.stdin)
print(json.dumps(dict(cdf=[float(norm.cdf(x)) for x in c['x']], sf=[float(norm.sf(x)) for x in c['x']], ppf=[float(norm.ppf(p)) for p in c['p']])))
`;

describe('standard normal', () => {
  it('cdf, survival function and quantile match scipy.stats.norm, tails included', () => {
    const x = [
      -37, -12, -8.3, -5.0001, -5, -3.1, -3, -2.999, 2.2, 2.999, 3.0001, -1.96, -0.5, 0, 1e-9, 0.25, 1, 1.6448536, 2.5, 4.99, 5.2, 7.5, 9,
    ];
    const p = [1e-300, 1e-20, 1e-9, 1e-4, 0.001, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.7, 0.95, 0.975, 0.99, 1 - 1e-9];
    const ref = runPythonJson<{ cdf: number[]; sf: number[]; ppf: number[] }>(SCIPY, { x, p });
    x.forEach((v, i) => {
      expect(Math.abs(normCdf(v) - ref.cdf[i]!), `cdf(${v})`).toBeLessThanOrEqual(1e-14 + 1e-12 * ref.cdf[i]!);
      expect(Math.abs(normSf(v) - ref.sf[i]!) / Math.max(ref.sf[i]!, 1e-300), `sf(${v})`).toBeLessThan(1e-10);
    });
    p.forEach((v, i) => expect(Math.abs(normPpf(v) - ref.ppf[i]!), `ppf(${v})`).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref.ppf[i]!))));
    expect(normPpf(0)).toBe(-Infinity);
    expect(normPpf(1)).toBe(Infinity);
    expect(normPpf(1.5)).toBeNaN();
  });
});
