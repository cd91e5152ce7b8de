import { describe, expect, it } from 'vitest';
import { blockResamples, percentileInterval, WeightedScorer } from '../../../lib/stats';
import { runPythonJson } from '../../support/python';

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** An AR(1) series, so blocks matter. */
function ar1(n: number, phi: number, seed: number): number[] {
  const rnd = lcg(seed);
  const out: number[] = [];
  let x = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    x = phi * x + e;
    out.push(x);
  }
  return out;
}

function bootstrapVarianceOfMean(
  x: number[],
  o: { blockLength: number; scheme: 'circular' | 'stationary'; resamples: number; seed: number },
): number {
  const means: number[] = [];
  for (const counts of blockResamples({ periods: x.length, ...o })) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += counts[i]! * x[i]!;
    means.push(s / x.length);
  }
  const m = means.reduce((a, b) => a + b, 0) / means.length;
  return means.reduce((a, b) => a + (b - m) ** 2, 0) / means.length;
}

/**
 * Exact bootstrap variances of the mean, written out in NumPy from the schemes' definitions:
 * circular blocks (n = k·b): the mean of k blocks drawn uniformly from the n circular block means;
 * stationary (Politis & Romano 1994): two draws h apart share a block with probability (1 − 1/b)^h,
 * so Var* = n⁻¹ [C(0) + 2 Σₕ (1 − h/n)(1 − 1/b)^h C(h)] with circular autocovariances C(h).
 */
const EXACT_VARIANCE = `
import json, sys
import numpy as np
c = json.load(sys.stdin)
x = np.array(c['x']); n = len(x); b = c['b']
xc = x - x.mean()
block_means = np.array([x[np.arange(j, j + b) % n].mean() for j in range(n)])
circular = block_means.var() / (n // b)
C = np.array([np.mean(xc * np.roll(xc, -h)) for h in range(n)])
h = np.arange(1, n)
stationary = (C[0] + 2 * np.sum((1 - h / n) * (1 - 1 / b) ** h * C[1:])) / n
print(json.dumps(dict(circular=float(circular), stationary=float(stationary))))
`;

const SCIPY_BOOTSTRAP = `
import json, sys
import numpy as np
from scipy.stats import bootstrap
c = json.load(sys.stdin)
out = {}
for name in ('correct', 'loss'):
    r = bootstrap((np.array(c[name]),), np.mean, n_resamples=c['B'], method='percentile', confidence_level=0.95, rng=np.random.default_rng(7))
    out[name] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]
print(json.dumps(out))
`;

describe('block bootstrap', () => {
  it('with blocks of one date is the iid bootstrap: percentile intervals match scipy.stats.bootstrap to Monte-Carlo tolerance', () => {
    const rnd = lcg(11);
    const y: number[] = [],
      proba: number[] = [];
    for (let i = 0; i < 300; i++) {
      const up = rnd() < 0.53 ? 1 : 0;
      y.push(up);
      proba.push(Math.min(0.97, Math.max(0.03, 0.5 + (up ? 0.06 : -0.06) + (rnd() - 0.5) * 0.6)));
    }
    const scorer = new WeightedScorer({ y, proba });
    const B = 20_000;
    const acc: number[] = [],
      loss: number[] = [];
    for (const counts of blockResamples({ periods: y.length, blockLength: 1, resamples: B, seed: 3 })) {
      const s = scorer.score(counts);
      acc.push(s.accuracy);
      loss.push(s.logLoss);
    }
    const full = scorer.score();
    const ours = {
      correct: percentileInterval({ estimate: full.accuracy, replicates: acc }),
      loss: percentileInterval({ estimate: full.logLoss, replicates: loss }),
    };
    const correct = y.map((v, i) => (scorer.isCorrect(i) ? 1 : 0));
    const rowLoss = y.map((v, i) => (v === 1 ? -Math.log(proba[i]!) : -Math.log(1 - proba[i]!)));
    const ref = runPythonJson<{ correct: [number, number]; loss: [number, number] }>(SCIPY_BOOTSTRAP, { correct, loss: rowLoss, B });
    // Quantile Monte-Carlo error at B = 20 000 is ~0.001 here; accuracy also moves in steps of 1/300.
    expect(Math.abs(ours.correct.low - ref.correct[0])).toBeLessThan(0.006);
    expect(Math.abs(ours.correct.high - ref.correct[1])).toBeLessThan(0.006);
    expect(Math.abs(ours.loss.low - ref.loss[0])).toBeLessThan(0.004);
    expect(Math.abs(ours.loss.high - ref.loss[1])).toBeLessThan(0.004);
    expect(ours.correct.low).toBeLessThan(full.accuracy);
    expect(ours.correct.high).toBeGreaterThan(full.accuracy);
  });

  it('circular and stationary schemes reproduce their exact bootstrap variance of the mean (NumPy)', () => {
    const x = ar1(120, 0.6, 5);
    const b = 6;
    const ref = runPythonJson<{ circular: number; stationary: number }>(EXACT_VARIANCE, { x, b });
    const circular = bootstrapVarianceOfMean(x, { blockLength: b, scheme: 'circular', resamples: 40_000, seed: 1 });
    const stationary = bootstrapVarianceOfMean(x, { blockLength: b, scheme: 'stationary', resamples: 40_000, seed: 1 });
    // Relative Monte-Carlo error of a variance from 40 000 draws: √(2/40 000) ≈ 0.7 %.
    expect(Math.abs(circular / ref.circular - 1)).toBeLessThan(0.04);
    expect(Math.abs(stationary / ref.stationary - 1)).toBeLessThan(0.04);
    // Positive autocorrelation: blocks give a larger variance than the iid σ²/n would.
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    const iid = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length / x.length;
    expect(ref.circular).toBeGreaterThan(1.5 * iid);
  });

  it('is reproducible from the seed, keeps every resample at the series length, and draws whole blocks', () => {
    const take = (seed: number, scheme: 'circular' | 'stationary') =>
      [...blockResamples({ periods: 50, blockLength: 5, resamples: 20, seed, scheme })].map((c) => Array.from(c));
    for (const scheme of ['circular', 'stationary'] as const) {
      expect(take(42, scheme)).toEqual(take(42, scheme));
      expect(take(42, scheme)).not.toEqual(take(43, scheme));
      for (const counts of take(42, scheme)) expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    }
    // 50 dates in blocks of 5: a drawn block covers 5 consecutive dates, so the multiplicities of
    // any 5 consecutive dates (circularly) cannot be all zero next to a lone non-zero date.
    for (const counts of take(7, 'circular')) {
      const nonZero = counts.map((c) => (c > 0 ? 1 : 0));
      const runs = nonZero.join('').split(/0+/).filter(Boolean);
      const wrapped = nonZero[0] && nonZero[49];
      for (const [k, run] of runs.entries())
        if (!(wrapped && (k === 0 || k === runs.length - 1))) expect(run.length).toBeGreaterThanOrEqual(5);
    }
    expect(() => [...blockResamples({ periods: 4, blockLength: 5, resamples: 1, seed: 1 })]).toThrow(RangeError);
  });
});
