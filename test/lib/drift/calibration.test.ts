import { describe, expect, it } from 'vitest';
import {
  buildReferenceProfile,
  buildReferenceProfileYielding,
  calibrateDrift,
  checkDrift,
  ks2samp,
  ksStatistic,
  SPEC_PSI_CRITICAL,
  SPEC_PSI_WARNING,
} from '../../../lib/drift';
import { ar1 } from './ar1';

function windows(series: { values: number[]; dates: string[] }, days: number, tickers: number) {
  const out: { values: number[]; dates: string[] }[] = [];
  for (let end = days; end * tickers <= series.values.length; end += days) {
    out.push({
      values: series.values.slice((end - days) * tickers, end * tickers),
      dates: series.dates.slice((end - days) * tickers, end * tickers),
    });
  }
  return out;
}

describe('drift thresholds calibrated on the reference’s own windows', () => {
  const train = ar1({ days: 2000, tickers: 5, seed: 7 });
  const profile = buildReferenceProfile({
    featureNames: ['x'],
    columns: [train.values],
    calibration: { dates: train.dates, windowDays: 20 },
  });
  const fresh = windows(ar1({ days: 2000, tickers: 5, seed: 99 }), 20, 5);
  const judge = (w: { values: number[]; dates: string[] }, mode: 'calibrated' | 'fixed', windowDays = 20) =>
    checkDrift({
      reference: profile,
      current: { featureNames: ['x'], columns: [w.values], dates: w.dates, windowDays },
      thresholds: { mode },
    });

  it('an unchanged persistent process: the fixed 0.1 / 0.25 alarm on most windows, the calibrated ones on almost none', () => {
    const fixed = fresh.filter((w) => judge(w, 'fixed').status !== 'ok').length / fresh.length;
    const calibrated = fresh.filter((w) => judge(w, 'calibrated').status !== 'ok').length / fresh.length;
    expect(fixed).toBeGreaterThan(0.5);
    expect(calibrated).toBeLessThanOrEqual(0.02);
  });

  it('a shift of three standard deviations is critical, and the report says why against which threshold', () => {
    const shifted = windows(ar1({ days: 200, tickers: 5, seed: 11, shift: 3 }), 20, 5);
    for (const w of shifted) {
      const r = judge(w, 'calibrated');
      expect(r.status).toBe('critical');
      const f = r.features[0]!;
      expect(f.threshold?.source).toBe('calibrated');
      expect(f.reason).toMatch(/calibrated/);
      expect(f.psi!).toBeGreaterThanOrEqual(f.threshold!.psiCritical);
    }
  });

  it('a scale ×10 error is critical from its first rows, through values far beyond the reference range', () => {
    const w = fresh[3]!;
    const broken = w.values.map((v, i) => (i >= w.values.length - 5 ? v * 10 + 40 : v));
    const r = judge({ values: broken, dates: w.dates }, 'calibrated');
    expect(r.status).toBe('critical');
    expect(r.features[0]!.reason).toMatch(/beyond the reference's range/);
  });

  it('never below the specification’s 0.1 / 0.25, even for independent data whose windows barely vary', () => {
    const iid = ar1({ days: 2000, tickers: 50, seed: 3, phi: 0 });
    const cal = calibrateDrift({
      profile: buildReferenceProfile({ featureNames: ['x'], columns: [iid.values] }),
      featureNames: ['x'],
      columns: [iid.values],
      dates: iid.dates,
      windowDays: 20,
    });
    const c = cal.features.x!;
    expect(c.psiQuantile).toBeLessThan(SPEC_PSI_WARNING);
    expect(c.psiWarning).toBe(SPEC_PSI_WARNING);
    expect(c.psiCritical).toBe(SPEC_PSI_CRITICAL);
    expect(c.windows).toBe(2000 - 20 + 1);
  });

  it('falls back to the fixed thresholds for another window length, with --fixed-thresholds, and for profiles saved before calibration', () => {
    expect(judge(fresh[0]!, 'calibrated', 60).features[0]!.threshold?.source).toBe('fixed');
    expect(judge(fresh[0]!, 'fixed').features[0]!.threshold?.source).toBe('fixed');
    const old = { ...profile };
    delete old.calibration;
    const r = checkDrift({ reference: old, current: { featureNames: ['x'], columns: [fresh[0]!.values], windowDays: 20 } });
    expect(r.features[0]!.threshold?.source).toBe('fixed');
    expect(r.summary).toMatch(/fixed thresholds/);
  });

  it('the window KS statistic agrees with the SciPy-checked ks2samp', () => {
    const a = Float64Array.from(train.values.slice(0, 700)).sort();
    const b = Float64Array.from(fresh[5]!.values).sort();
    expect(ksStatistic(a, b)).toBeCloseTo(ks2samp(a, b).statistic, 12);
  });
});

describe('calibration inside an activity', () => {
  it('the yielding profile equals the synchronous one and gives the event loop back between features', async () => {
    const series = [1, 2, 3].map((seed) => ar1({ days: 600, tickers: 4, seed }));
    const input = {
      featureNames: ['a', 'b', 'c'],
      columns: series.map((s) => s.values),
      calibration: { dates: series[0]!.dates, windowDays: 20 },
    };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const yielding = await buildReferenceProfileYielding(input);
    clearInterval(timer);
    expect(yielding).toEqual(buildReferenceProfile(input));
    expect(yielding.calibration?.features.c).toBeDefined();
    // Timers ran while it calibrated: a heartbeat timer would too.
    expect(ticks).toBeGreaterThanOrEqual(2);
  });
});
