import { describe, expect, it } from 'vitest';
import { holdoutEvidence, returnsFromEquity } from '../../../lib/stats';
import { ValidationError } from '../../../lib/util/errors';
import { runPythonJson } from '../../support/python';

/** A panel holdout: `days` dates × `tickers` rows, labels persistent over a few days (overlapping 5-day labels). */
function panel(o: { days: number; tickers: number; seed: number; skill: number }) {
  let s = o.seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const dates: string[] = [],
    y: number[] = [],
    cand: number[] = [],
    prod: number[] = [];
  const state = Array.from({ length: o.tickers }, () => (rnd() < 0.5 ? 1 : 0));
  for (let d = 0; d < o.days; d++) {
    const date = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    for (let t = 0; t < o.tickers; t++) {
      if (rnd() < 0.25) state[t] = rnd() < 0.54 ? 1 : 0; // runs of equal labels, as overlapping horizons give
      const up = state[t]!;
      dates.push(date);
      y.push(up);
      cand.push(Math.min(0.98, Math.max(0.02, 0.5 + (up ? o.skill : -o.skill) + (rnd() - 0.5) * 0.5)));
      prod.push(Math.min(0.98, Math.max(0.02, 0.5 + (up ? o.skill / 2 : -o.skill / 2) + (rnd() - 0.5) * 0.5)));
    }
  }
  return { dates, y, cand, prod };
}

/**
 * An independent circular block bootstrap over dates in NumPy (its own generator): all rows of a
 * drawn date enter together, ⌈m/b⌉ blocks of b consecutive dates wrapped at the end.
 */
const NUMPY_PANEL_BOOTSTRAP = `
import json, sys
import numpy as np
c = json.load(sys.stdin)
dates = np.array(c['dates']); y = np.array(c['y']); b = c['b']; B = c['B']
u, date_of = np.unique(dates, return_inverse=True); m = len(u)
cc = ((np.array(c['cand']) > 0.5) == y).astype(float)
pc = ((np.array(c['prod']) > 0.5) == y).astype(float)
rng = np.random.default_rng(2024)
def stats(w):
    acc = (w * cc).sum() / w.sum(); pos = (w * y).sum() / w.sum()
    return acc - max(pos, 1 - pos), acc - (w * pc).sum() / w.sum()
s0, d0 = stats(np.ones(len(y)))
skill = np.empty(B); diff = np.empty(B)
for r in range(B):
    starts = rng.integers(0, m, size=-(-m // b))
    idx = ((starts[:, None] + np.arange(b)[None, :]) % m).ravel()[:m]
    w = np.bincount(idx, minlength=m)[date_of].astype(float)
    skill[r], diff[r] = stats(w)
# Achieved significance of the percentile method: replicates on the wrong side of 0, +1 corrected.
p_greater = (1 + np.sum(skill <= 0)) / (B + 1)
p_two = min(1.0, 2 * min((1 + np.sum(diff <= 0)) / (B + 1), (1 + np.sum(diff >= 0)) / (B + 1)))
print(json.dumps(dict(skill=[s0, *np.percentile(skill, [2.5, 97.5])], p_skill=p_greater, diff=[d0, *np.percentile(diff, [2.5, 97.5])], p_diff=p_two)))
`;

describe('holdout evidence', () => {
  it('skill test and paired difference match an independent NumPy block bootstrap over dates to Monte-Carlo tolerance', () => {
    const h = panel({ days: 126, tickers: 5, seed: 8, skill: 0.04 });
    const ev = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: h.cand },
      production: { proba: h.prod },
      labelHorizon: 5,
      seed: 42,
      alpha: 0.05,
      resamples: 4000,
    });
    expect(ev.method).toMatchObject({ scheme: 'circular', blockLength: 5, rows: 630, dates: 126 });
    const ref = runPythonJson<{ skill: number[]; p_skill: number; diff: number[]; p_diff: number }>(NUMPY_PANEL_BOOTSTRAP, {
      ...h,
      b: 5,
      B: 4000,
    });
    expect(ev.skill.difference.estimate).toBeCloseTo(ref.skill[0]!, 12);
    expect(Math.abs(ev.skill.difference.low - ref.skill[1]!)).toBeLessThan(0.006);
    expect(Math.abs(ev.skill.difference.high - ref.skill[2]!)).toBeLessThan(0.006);
    expect(Math.abs(ev.skill.p.greater - ref.p_skill)).toBeLessThan(0.02);
    const d = ev.paired!.metrics.accuracy;
    expect(d.difference.estimate).toBeCloseTo(ref.diff[0]!, 12);
    expect(Math.abs(d.difference.low - ref.diff[1]!)).toBeLessThan(0.006);
    expect(Math.abs(d.difference.high - ref.diff[2]!)).toBeLessThan(0.006);
    expect(Math.abs(d.p.twoSided - ref.p_diff)).toBeLessThan(0.03);
  });

  it('is reproducible from the seed and calls a no-skill model not distinguishable from the baseline', () => {
    const h = panel({ days: 130, tickers: 3, seed: 3, skill: 0 });
    const run = (seed: number) =>
      holdoutEvidence({
        dates: h.dates,
        y: h.y,
        candidate: { proba: h.cand },
        production: { proba: h.cand },
        labelHorizon: 5,
        seed,
        alpha: 0.05,
      });
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8).candidate.metrics.accuracy.low).not.toBe(a.candidate.metrics.accuracy.low);
    expect(a.skill.significant).toBe(false);
    // The same model twice: every paired difference is exactly 0 and nothing is significant.
    expect(a.paired!.metrics.accuracy.difference).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(a.paired!.metrics.accuracy.p.twoSided).toBe(1);
    expect(a.paired!.mcnemar).toMatchObject({ candidateOnly: 0, productionOnly: 0, pExact: 1 });
    for (const [name, i] of Object.entries(a.candidate.metrics)) {
      expect(Number.isFinite(i.low) && Number.isFinite(i.high), name).toBe(true);
      expect(i.low, name).toBeLessThanOrEqual(i.estimate + 1e-12);
      expect(i.high, name).toBeGreaterThanOrEqual(i.estimate - 1e-12);
    }
    const strong = panel({ days: 130, tickers: 3, seed: 3, skill: 0.25 });
    const s = holdoutEvidence({
      dates: strong.dates,
      y: strong.y,
      candidate: { proba: strong.cand },
      labelHorizon: 5,
      seed: 7,
      alpha: 0.05,
    });
    expect(s.skill.significant).toBe(true);
    expect(s.skill.p.greater).toBeLessThan(0.01);
    expect(s.paired).toBeNull();
    expect(s.production).toBeNull();
  });

  it('gives Sharpe intervals and PSR from the daily returns, DSR only with a number of trials', () => {
    const h = panel({ days: 126, tickers: 2, seed: 5, skill: 0.1 });
    const days = [...new Set(h.dates)].slice(0, -1); // the last session has no next-day return
    let eq = 1;
    const equity = days.map((_, i) => (eq *= 1 + 0.001 + 0.01 * Math.sin(i * 1.7)));
    const returns = returnsFromEquity(equity);
    expect(returns[0]).toBeCloseTo(0.001, 12);
    const ev = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: h.cand, daily: { dates: days, returns } },
      labelHorizon: 5,
      seed: 1,
      alpha: 0.05,
      trials: 40,
    });
    const sh = ev.candidate.sharpe!;
    expect(sh.low).toBeLessThan(sh.estimate);
    expect(sh.high).toBeGreaterThan(sh.estimate);
    expect(ev.candidate.psr!).toBeGreaterThan(0.5);
    expect(ev.candidate.dsr!.trials).toBe(40);
    expect(ev.candidate.dsr!.value).toBeLessThan(ev.candidate.psr!);
    const noSearch = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: h.cand, daily: { dates: days, returns } },
      labelHorizon: 5,
      seed: 1,
      alpha: 0.05,
    });
    expect(noSearch.candidate.dsr).toBeNull();
  });

  it('p-values agree with the intervals: a 95 % interval excludes 0 exactly when the two-sided p is below 0.05', () => {
    const h = panel({ days: 150, tickers: 4, seed: 12, skill: 0.05 });
    const ev = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: h.cand },
      production: { proba: h.prod },
      labelHorizon: 5,
      seed: 5,
      alpha: 0.05,
    });
    const tests = [...Object.values(ev.paired!.metrics), ev.skill];
    let excluding = 0;
    for (const t of tests) {
      const excludesZero = t.difference.low > 0 || t.difference.high < 0;
      if (excludesZero) excluding++;
      // Interpolated quantiles can sit a hair on either side of 0: allow one replicate's worth (1/2000).
      if (Math.abs(t.p.twoSided - 0.05) > 0.002) expect(t.p.twoSided < 0.05, JSON.stringify(t)).toBe(excludesZero);
    }
    expect(excluding).toBeGreaterThan(0);
    expect(excluding).toBeLessThan(tests.length);
  });

  it('refuses a holdout too small for the block bootstrap, saying how many rows are needed', () => {
    const h = panel({ days: 40, tickers: 3, seed: 1, skill: 0.1 });
    const run = () => holdoutEvidence({ dates: h.dates, y: h.y, candidate: { proba: h.cand }, labelHorizon: 5, seed: 1, alpha: 0.05 });
    expect(run).toThrow(ValidationError);
    expect(run).toThrow(
      'holdout too small for the block bootstrap: 120 rows on 40 dates, needs at least 50 dates (10 blocks of 5), about 150 rows; use a longer --holdout',
    );
  });

  it('keeps the compare stage fast: 2,000 rows with production in well under a second', () => {
    const h = panel({ days: 400, tickers: 5, seed: 9, skill: 0.05 });
    const t0 = performance.now();
    holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: h.cand },
      production: { proba: h.prod },
      labelHorizon: 5,
      seed: 1,
      alpha: 0.05,
    });
    const ms = performance.now() - t0;
    console.log(`RESULT holdoutEvidence 2000 rows, 2000 resamples: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);
  });
});
