import { describe, expect, it } from 'vitest';
import { brierScore, reliabilityBins, WeightedScorer } from '../../../lib/stats';
import { runPythonJson } from '../../support/python';

const SKLEARN = `
import json, sys
import numpy as np
from sklearn.calibration import calibration_curve
from sklearn import metrics as m
c = json.load(sys.stdin)
y = np.array(c['y']); p = np.array(c['p']); w = np.array(c['w'])
true, pred = calibration_curve(y, p, n_bins=10, strategy='uniform')
yr = np.repeat(y, w); pr = np.repeat(p, w); hard = (pr > 0.5).astype(int)
print(json.dumps(dict(
  brier=m.brier_score_loss(y, p), observed=true.tolist(), predicted=pred.tolist(),
  weighted=dict(accuracy=m.accuracy_score(yr, hard), precision=m.precision_score(yr, hard, zero_division=0), recall=m.recall_score(yr, hard, zero_division=0),
    f1=m.f1_score(yr, hard, zero_division=0), rocAuc=m.roc_auc_score(yr, pr), logLoss=m.log_loss(yr, pr, labels=[0, 1]),
    balancedAccuracy=m.balanced_accuracy_score(yr, hard), brier=m.brier_score_loss(yr, pr), baselineAccuracy=max(yr.mean(), 1 - yr.mean())))))
`;

function sample(n: number, seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const y: number[] = [],
    p: number[] = [],
    w: number[] = [];
  for (let i = 0; i < n; i++) {
    const up = rnd() < 0.55 ? 1 : 0;
    y.push(up);
    // Rounded scores: ties for the AUC, and values on bin edges (0.3, 0.5 …) for the reliability bins.
    p.push(Math.round(Math.min(0.99, Math.max(0.01, 0.5 + (up ? 0.1 : -0.1) + (rnd() - 0.5) * 0.7)) * 20) / 20);
    w.push(Math.floor(rnd() * 4)); // bootstrap multiplicities 0 … 3
  }
  return { y, p, w };
}

describe('calibration and weighted metrics', () => {
  it('Brier score and reliability bins match scikit-learn; weighted metrics equal metrics on repeated rows', () => {
    const { y, p, w } = sample(400, 21);
    const ref = runPythonJson<{ brier: number; observed: number[]; predicted: number[]; weighted: Record<string, number> }>(SKLEARN, {
      y,
      p,
      w,
    });
    expect(brierScore(y, p)).toBeCloseTo(ref.brier, 14);
    const bins = reliabilityBins({ y, proba: p, bins: 10 }).filter((b) => b.count > 0);
    expect(bins.map((b) => b.observedRate!)).toEqual(ref.observed.map((v): unknown => expect.closeTo(v, 12)));
    expect(bins.map((b) => b.meanPredicted!)).toEqual(ref.predicted.map((v): unknown => expect.closeTo(v, 12)));
    const weighted = new WeightedScorer({ y, proba: p }).score(w);
    for (const [k, v] of Object.entries(ref.weighted)) expect(weighted[k as keyof typeof weighted], k).toBeCloseTo(v, 10);
  });

  it('keeps empty bins so every model shares the same x axis', () => {
    const bins = reliabilityBins({ y: [1, 0, 1, 0], proba: [0.95, 0.05, 1, 0.2], bins: 5 });
    expect(bins.map((b) => b.count)).toEqual([2, 0, 0, 0, 2]); // 0.2 sits on an edge: the bin below, as scikit-learn
    expect(bins[1]!.observedRate).toBeNull();
  });
});
