import { describe, expect, it } from 'vitest';
import { binFractions, buildReferenceProfile, checkDrift, ks2samp, psi, quantileEdges } from '../../../lib/drift';
import { runPythonJson } from '../../support/python';

function normal(n: number, seed: number, shift = 0, scale = 1, round?: number) {
  let s = seed;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: n }, () => {
    const v = shift + scale * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    return round ? Math.round(v * round) / round : v;
  });
}

describe('two-sample Kolmogorov–Smirnov', () => {
  it('matches scipy.stats.ks_2samp (statistic and p-value) to 1e-9', () => {
    const cases = [
      [normal(20, 1), normal(20, 2, 0.8)],
      [normal(30, 3), normal(17, 4, 0.3)],
      [normal(100, 5), normal(100, 6)],
      [normal(2000, 7), normal(100, 8, 0.2)],
      [normal(500, 9, 0, 1, 4), normal(240, 10, 0.1, 1, 4)], // heavy ties
      [normal(1500, 11), normal(1200, 12, 0, 1.3)],
      [normal(60, 13), normal(60, 14, 3)], // tiny p-value
    ];
    const ref = runPythonJson<[number, number][]>(
      'import json,sys\nfrom scipy.stats import ks_2samp\nprint(json.dumps([[float(r.statistic), float(r.pvalue)] for r in (ks_2samp(a, b) for a, b in json.load(sys.stdin))]))',
      cases,
    );
    cases.forEach(([a, b], k) => {
      const r = ks2samp(a!, b!);
      expect(r.statistic, `case ${k} statistic`).toBeCloseTo(ref[k]![0], 12);
      const [, p] = ref[k]!;
      expect(Math.abs(r.pValue - p), `case ${k} p ${r.pValue} vs ${p}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(p)) + 1e-15);
    });
  });
});

describe('PSI', () => {
  it('matches a hand-checked table', () => {
    // ref  = [0.25, 0.25, 0.25, 0.25], cur = [0.10, 0.20, 0.30, 0.40]
    // (0.10−0.25)·ln(0.10/0.25) = 0.137444, (0.20−0.25)·ln(0.8) = 0.011157,
    // (0.30−0.25)·ln(1.2) = 0.009116, (0.40−0.25)·ln(1.6) = 0.070501 → 0.228218
    expect(psi([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(0.2282179, 6);
    // An empty bin is floored at 1e-4: (1e-4 − 0.5)·ln(1e-4/0.5) + (1 − 0.5)·ln(2) = 4.604283 …
    expect(psi([0.5, 0.5], [0, 1])).toBeCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), 12);
  });

  it('bins with reference deciles: ~10% per bin on the reference itself, shifted data piles up at the ends', () => {
    const ref = normal(5000, 21);
    const edges = quantileEdges(ref);
    expect(edges).toHaveLength(9);
    const self = binFractions(ref, edges).fractions;
    for (const f of self) expect(f).toBeCloseTo(0.1, 2);
    expect(psi(self, binFractions(normal(3000, 22), edges).fractions)).toBeLessThan(0.02);
    expect(psi(self, binFractions(normal(3000, 23, 1), edges).fractions)).toBeGreaterThan(0.25);
    expect(binFractions([1, Number.NaN, 2], edges).nan).toBe(1);
  });
});

describe('checkDrift', () => {
  const ref = buildReferenceProfile({
    featureNames: ['a', 'b'],
    columns: [normal(2000, 31), normal(2000, 32)],
    predictions: normal(2000, 33, 0.5, 0.1),
    labels: normal(2000, 34).map((v) => (v > 0 ? 1 : 0)),
  });

  it('says "nothing to compare" without a reference, and reports a missing feature while computing the others', () => {
    const none = checkDrift({ reference: null, current: { featureNames: ['a'], columns: [normal(100, 1)] } });
    expect(none.status).toBe('nothing_to_compare');
    expect(none.reason).toContain('no reference');
    const r = checkDrift({
      reference: ref,
      current: {
        featureNames: ['a'],
        columns: [normal(400, 35)],
        predictions: normal(400, 36, 0.5, 0.1),
        labels: normal(400, 37).map((v) => (v > 0 ? 1 : 0)),
      },
    });
    expect(r.features.find((f) => f.name === 'b')).toMatchObject({ missing: true, psi: null });
    expect(r.features.find((f) => f.name === 'a')!.psi).toBeLessThan(0.1);
    expect(r.status).toBe('ok');
    expect(r.summary).toContain('missing from current data: b');
    expect(r.label!.n).toBe(400);
  });

  it('is critical for a shifted feature and a warning for a moderate one', () => {
    const shifted = checkDrift({ reference: ref, current: { featureNames: ['a', 'b'], columns: [normal(400, 38, 1.5), normal(400, 39)] } });
    expect(shifted.status).toBe('critical');
    expect(shifted.features[0]!.level).toBe('critical');
    const moderate = checkDrift({
      reference: ref,
      current: { featureNames: ['a', 'b'], columns: [normal(2000, 40, 0.35), normal(2000, 41)] },
    });
    expect(moderate.status).toBe('warning');
  });

  it('checks a window of more than 10,000 rows (KS on 10,000 evenly spaced order statistics, checked against SciPy)', () => {
    const big = normal(25_000, 42, 0.05);
    const r = checkDrift({ reference: ref, current: { featureNames: ['a', 'b'], columns: [big, normal(25_000, 43)] } });
    expect(r.rows).toBe(25_000);
    const sorted = [...big].sort((x, y) => x - y);
    const current = Array.from({ length: 10_000 }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / 9_999)]);
    const scipy = runPythonJson<{ statistic: number; pvalue: number }>(
      `import json, sys
from scipy.stats import ks_2samp
d = json.load(sys.stdin)
r = ks_2samp(d['ref'], d['cur'], method='exact')
print(json.dumps(dict(statistic=float(r.statistic), pvalue=float(r.pvalue))))`,
      { ref: ref.features.a!.sample, cur: current },
    );
    expect(r.features[0]!.ks).toBeCloseTo(scipy.statistic, 12);
    expect(Math.abs(r.features[0]!.pValue! - scipy.pvalue)).toBeLessThan(1e-9 + 1e-6 * scipy.pvalue);
    expect(() => ks2samp(big, normal(100, 44))).toThrow(/up to 10,000 values a side/);
  });
});
