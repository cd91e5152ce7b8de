import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../lib/backtest';
import { classificationMetrics, predictsUp, rocAuc, splitHoldout, subtractMonths, walkForwardFolds } from '../../../lib/evaluation';
import { ConfigError, ValidationError } from '../../../lib/util/errors';
import { runPythonJson } from '../../support/python';

function sample(n: number, seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rnd() < 0.45 ? 1 : 0;
    y.push(label);
    // Rounded scores create ties, which ROC AUC must average like scikit-learn.
    p.push(Math.round(Math.min(0.999, Math.max(0.001, 0.5 + (label ? 0.1 : -0.1) + (rnd() - 0.5) * 0.8)) * 50) / 50);
  }
  return { y, p };
}

const SKLEARN = `
import json, sys
from sklearn import metrics as m
cases = json.load(sys.stdin)
out = []
for c in cases:
    y, p = c['y'], c['p']
    pred = [1 if v > 0.5 else 0 for v in p]  # as XGBClassifier.predict: 0.5 itself is 'down'
    out.append(dict(
        accuracy=m.accuracy_score(y, pred), precision=m.precision_score(y, pred, zero_division=0),
        recall=m.recall_score(y, pred, zero_division=0), f1=m.f1_score(y, pred, zero_division=0),
        rocAuc=m.roc_auc_score(y, p), logLoss=m.log_loss(y, p, labels=[0, 1]),
        balancedAccuracy=m.balanced_accuracy_score(y, pred)))
print(json.dumps(out))
`;

describe('classification metrics', () => {
  it('match scikit-learn on random inputs with ties', () => {
    const cases = [sample(500, 1), sample(73, 2), sample(2000, 3)];
    const ref = runPythonJson<Record<string, number>[]>(SKLEARN, cases);
    cases.forEach((c, k) => {
      const ours = classificationMetrics(c.y, c.p);
      for (const key of Object.keys(ref[k]!)) {
        expect(ours[key as keyof typeof ours] as number, key).toBeCloseTo(ref[k]![key]!, 12);
      }
      const ones = c.y.filter((v) => v === 1).length;
      expect(ours.baselineAccuracy).toBeCloseTo(Math.max(ones, c.y.length - ones) / c.y.length, 15);
    });
  });

  it('calls p = threshold "down", like the backtest, which is flat there', () => {
    const m = classificationMetrics([1, 0, 1, 0], [0.5, 0.5, 0.7, 0.2]);
    expect(m.recall).toBeCloseTo(0.5, 15);
    expect(m.precision).toBe(1);
    const m2 = classificationMetrics([1, 0], [0.6, 0.6], 0.6);
    expect(m2.recall).toBe(0);
  });

  it('share one "up" rule with the backtest: p = threshold is down in the metrics and flat in the backtest', () => {
    expect(predictsUp(0.5)).toBe(false);
    expect(predictsUp(0.5 + 1e-12)).toBe(true);
    expect(predictsUp(0.55, 0.55)).toBe(false);
    // One ticker, one row a day: every row the metrics call "up" is a long day in the backtest.
    const proba = [0.55, 0.55, 0.56, 0.2, 0.55, 0.9, 0.55, 0.54];
    const y = proba.map(() => 1);
    const dates = proba.map((_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
    const m = classificationMetrics(y, proba, 0.55);
    const bt = runBacktest({ dates, tickers: dates.map(() => 'A'), proba, nextReturn: proba.map(() => 0.01), threshold: 0.55, costBps: 0 });
    expect(m.confusion.tp + m.confusion.fp).toBe(2);
    expect(bt.metrics.exposure * proba.length).toBeCloseTo(m.confusion.tp + m.confusion.fp, 12);
  });

  it('is NaN for AUC with a single class, and zero precision when nothing is predicted up', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.3, 0.4])).toBeNaN();
    const m = classificationMetrics([0, 1, 0], [0.1, 0.2, 0.3]);
    expect(m.precision).toBe(0);
    expect(m.recall).toBe(0);
    expect(m.accuracy).toBeCloseTo(2 / 3, 15);
  });
});

describe('walk-forward folds and holdout', () => {
  it('subtracts calendar months like pandas DateOffset (clamped to the month end)', () => {
    const dates = ['2024-05-31', '2024-03-31', '2023-05-31', '2024-12-31', '2024-01-15', '2025-03-30', '2024-08-31', '2024-02-29'];
    const months = [3, 1, 3, 6, 1, 1, 6, 12];
    const ref = runPythonJson<string[]>(
      `import json, sys
import pandas as pd
c = json.load(sys.stdin)
print(json.dumps([(pd.Timestamp(d) - pd.DateOffset(months=m)).strftime('%Y-%m-%d') for d, m in zip(c['d'], c['m'])]))`,
      { d: dates, m: months },
    );
    expect(ref[0]).toBe('2024-02-29');
    expect(
      dates.map((d, i) =>
        subtractMonths(new Date(`${d}T00:00:00Z`), months[i]!)
          .toISOString()
          .slice(0, 10),
      ),
    ).toEqual(ref);
  });

  const days = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  const dates = days.flatMap((d) => [d, d]); // two tickers per date

  it('expands in time order with a purge gap before every test block', () => {
    const folds = walkForwardFolds({ dates, nFolds: 4, purgeGap: 5 });
    expect(folds).toHaveLength(4);
    for (const [k, f] of folds.entries()) {
      const lastTrain = Math.max(...f.trainIdx.map((i) => days.indexOf(dates[i]!)));
      const firstTest = Math.min(...f.testIdx.map((i) => days.indexOf(dates[i]!)));
      expect(firstTest - lastTrain).toBe(6); // five purged dates in between
      if (k > 0) expect(f.trainIdx.length).toBeGreaterThan(folds[k - 1]!.trainIdx.length);
    }
    const tested = folds.flatMap((f) => f.testIdx);
    expect(new Set(tested).size).toBe(tested.length);
  });

  it('starts a month-based holdout the day after the clamped cut (31 May 2024 − 3m = 29 Feb, so 1 March is in)', () => {
    const daysUpTo = (end: string, n: number) =>
      Array.from({ length: n }, (_, i) => new Date(Date.parse(`${end}T00:00:00Z`) - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
    const may = daysUpTo('2024-05-31', 200);
    expect(may.at(-1)).toBe('2024-05-31');
    const s = splitHoldout({ dates: may, holdout: '3m', purgeGap: 5, minRows: 10 });
    expect(s.holdoutStart).toBe('2024-03-01'); // setUTCMonth overflowed to 2 March and dropped 1–2 March
    expect(s.trainEnd).toBe('2024-02-24');
    const leapless = daysUpTo('2023-05-31', 200);
    expect(leapless.at(-1)).toBe('2023-05-31');
    expect(splitHoldout({ dates: leapless, holdout: '3m', purgeGap: 0, minRows: 10 }).holdoutStart).toBe('2023-03-01');
  });

  it('keeps the holdout unseen, with the purge gap, and validates its size and classes', () => {
    const y = dates.map((_, i) => i % 2);
    const s = splitHoldout({ dates, holdout: '3m', purgeGap: 5, y });
    expect(s.holdoutStart > s.trainEnd).toBe(true);
    expect(days.indexOf(s.holdoutStart) - days.indexOf(s.trainEnd)).toBe(6);
    expect(s.trainIdx.every((i) => dates[i]! <= s.trainEnd)).toBe(true);
    expect(s.holdoutIdx.every((i) => dates[i]! >= s.holdoutStart)).toBe(true);
    expect(() => splitHoldout({ dates, holdout: '6x', purgeGap: 5 })).toThrow(ConfigError);
    expect(() => splitHoldout({ dates, holdout: '3m', purgeGap: 5, y: dates.map(() => 1) })).toThrow(ValidationError);
    expect(() => splitHoldout({ dates, holdout: '2d', purgeGap: 5, minRows: 50 })).toThrow(/at least 50/);
  });
});
