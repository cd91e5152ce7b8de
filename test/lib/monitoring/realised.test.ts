import { describe, expect, it } from 'vitest';
import { judgeDrop, realisedPerformance, type MaturedRow } from '../../../lib/monitoring';
import { SeededRandom } from '../../../lib/data/random';
import { runPythonJson } from '../../support/python';

/**
 * Panel of `tickers` × `days` with 5-day overlapping labels: a latent daily move per ticker, the label
 * says whether the next 5 moves sum up; the model sees that sum with noise, so it is right with a
 * probability that depends on `skill` (0 = coin flip).
 */
function panel(o: { days: number; tickers: number; seed: number; skill: number }): MaturedRow[] {
  const rng = new SeededRandom(`panel:${o.seed}`);
  const rows: MaturedRow[] = [];
  for (let t = 0; t < o.tickers; t++) {
    const moves = Array.from({ length: o.days + 5 }, () => rng.normal());
    for (let d = 0; d < o.days; d++) {
      const ahead = moves.slice(d + 1, d + 6).reduce((a, b) => a + b, 0);
      const signal = o.skill * ahead + rng.normal();
      const date = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      rows.push({
        date,
        ticker: `T${t}`,
        probability: 1 / (1 + Math.exp(-signal)),
        threshold: 0.5,
        label: ahead > 0 ? 1 : 0,
        nextReturn: 0.01 * moves[d + 1]!,
      });
    }
  }
  return rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.ticker < b.ticker ? -1 : 1));
}

describe('realised performance', () => {
  it('point metrics match scikit-learn, and the long/flat return with costs matches a NumPy re-implementation', () => {
    const rows = panel({ days: 150, tickers: 4, seed: 5, skill: 0.4 });
    const r = realisedPerformance({ rows, labelHorizon: 5, costBps: 5, seed: 1, resamples: 200 });
    const ref = runPythonJson<Record<string, number>>(
      [
        'import json, sys, numpy as np',
        'from sklearn.metrics import accuracy_score, precision_score, recall_score, f1_score, log_loss, roc_auc_score',
        'rows = json.load(sys.stdin)',
        'y = np.array([r["label"] for r in rows]); p = np.array([r["probability"] for r in rows]); yhat = (p > 0.5).astype(int)',
        'dates = sorted(set(r["date"] for r in rows)); pos = {}; eq = 1.0',
        'for d in dates:',
        '    day = [r for r in rows if r["date"] == d]; w = 1 / len(day); ret = 0; traded = 0',
        '    for r in day:',
        '        x = 1 if r["probability"] > 0.5 else 0; traded += abs(x - pos.get(r["ticker"], 0)) * w; pos[r["ticker"]] = x; ret += w * x * r["nextReturn"]',
        '    eq *= 1 + ret - traded * 5 / 10000',
        'print(json.dumps(dict(accuracy=accuracy_score(y, yhat), precision=precision_score(y, yhat), recall=recall_score(y, yhat), f1=f1_score(y, yhat), logLoss=log_loss(y, p), rocAuc=roc_auc_score(y, p), strategyReturn=eq - 1)))',
      ].join('\n'),
      rows,
    );
    for (const [m, v] of Object.entries(ref)) expect(r.metrics[m as keyof typeof r.metrics], m).toBeCloseTo(v, 10);
    expect(r.days).toBe(150);
    expect(r.blockLength).toBeGreaterThanOrEqual(5);
    for (const i of Object.values(r.intervals)) expect(i!.low).toBeLessThanOrEqual(i!.high);
  });

  it('95 % intervals cover the true accuracy about 95 % of the time despite overlapping labels', () => {
    // The true accuracy of this model, from one very long panel.
    const truth = realisedPerformance({
      rows: panel({ days: 20_000, tickers: 3, seed: 999, skill: 0.3 }),
      labelHorizon: 5,
      costBps: 0,
      seed: 0,
      resamples: 1,
    }).metrics.accuracy!;
    let covered = 0;
    const runs = 60;
    for (let k = 0; k < runs; k++) {
      const r = realisedPerformance({
        rows: panel({ days: 120, tickers: 3, seed: 100 + k, skill: 0.3 }),
        labelHorizon: 5,
        costBps: 0,
        seed: k,
        resamples: 400,
      });
      const i = r.intervals.accuracy!;
      if (i.low <= truth && truth <= i.high) covered++;
    }
    // Binomial(60, 0.95): fewer than 51 covered has probability < 1 %.
    expect(covered).toBeGreaterThanOrEqual(51);
  });

  it('too few matured days: point estimates but no interval, and the drop test says insufficient instead of alarming', () => {
    const r = realisedPerformance({ rows: panel({ days: 12, tickers: 5, seed: 3, skill: 0 }), labelHorizon: 5, costBps: 5, seed: 1 });
    expect(r.metrics.accuracy).not.toBeNull();
    expect(r.intervals.accuracy).toBeNull();
    expect(r.intervalNote).toMatch(/interval needs at least/);
    const v = judgeDrop({
      realised: r,
      holdout: { accuracy: 0.65 },
      policy: { floors: { accuracy: 0.6 }, holdoutMargin: 0.05, minMatured: 20, alpha: 0.05 },
    });
    expect(v.status).toBe('insufficient');
  });

  it('a model without skill is confirmed below a 0.60 floor; a skilled one is not', () => {
    const policy = { floors: { accuracy: 0.6 }, holdoutMargin: 0.05, minMatured: 200, alpha: 0.05 };
    const bad = realisedPerformance({
      rows: panel({ days: 120, tickers: 5, seed: 8, skill: 0 }),
      labelHorizon: 5,
      costBps: 5,
      seed: 1,
      resamples: 500,
    });
    const drop = judgeDrop({ realised: bad, holdout: { accuracy: 0.66 }, policy, trainingPositiveRate: 0.5 });
    expect(drop.status).toBe('drop');
    if (drop.status === 'drop') {
      expect(drop.findings.map((f) => f.against)).toEqual(['floor', 'holdout']);
      expect(drop.labelDrift?.significant).toBe(false);
      expect(drop.level).toBe('warning');
    }
    // The same drop when 90 % of training labels were "up": a significant label drift makes it critical.
    const shifted = judgeDrop({ realised: bad, holdout: { accuracy: 0.66 }, policy, trainingPositiveRate: 0.9 });
    expect(shifted).toMatchObject({ status: 'drop', level: 'critical', labelDrift: { significant: true } });
    const good = realisedPerformance({
      rows: panel({ days: 120, tickers: 5, seed: 9, skill: 1.5 }),
      labelHorizon: 5,
      costBps: 5,
      seed: 1,
      resamples: 500,
    });
    expect(good.metrics.accuracy!).toBeGreaterThan(0.7);
    expect(judgeDrop({ realised: good, holdout: { accuracy: 0.7 }, policy }).status).toBe('ok');
  });
});
