import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildReferenceProfile,
  calibrateDrift,
  checkDrift,
  rollingShifts,
  windowShift,
  writeDriftReport,
  type DriftResult,
} from '../../../lib/drift';
import { marketRows, rowsBefore, windowColumns } from '../../../bench/drift/market';
import { ar1, windowEnding } from './ar1';

const TICKERS = 5;
const WINDOW = 20;
const train = ar1({ days: 2000, tickers: TICKERS, seed: 7 });

function reference(columns: number[][], o: { shiftDays?: number[]; familyQuantile?: number } = {}) {
  const names = columns.map((_, j) => `x${j}`);
  const profile = buildReferenceProfile({ featureNames: names, columns });
  profile.calibration = calibrateDrift({ profile, featureNames: names, columns, dates: train.dates, windowDays: WINDOW, ...o });
  return profile;
}

function judge(profile: ReturnType<typeof reference>, series: { values: number[]; dates: string[] }[], end: number): DriftResult {
  const windows = series.map((s) => windowEnding(s, { end, days: WINDOW, tickers: TICKERS }));
  return checkDrift({
    reference: profile,
    current: {
      featureNames: series.map((_, j) => `x${j}`),
      columns: windows.map((w) => w.values),
      dates: windows[0]!.dates,
      windowDays: WINDOW,
    },
  });
}

/** Share of the daily checks (every window end from day 19 on) at warning or above. */
async function alarmRate(
  profile: ReturnType<typeof reference>,
  series: { values: number[]; dates: string[] }[],
  days: number,
): Promise<number> {
  let alarms = 0;
  for (let end = WINDOW - 1; end < days; end++) {
    alarms += judge(profile, series, end).status === 'ok' ? 0 : 1;
    // Yield now and then: a long synchronous loop starves the test runner's own messages.
    if (end % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return alarms / (days - WINDOW + 1);
}

/** Trading days of changed data in the window when the first check is critical (1 = the change day). */
function detectionDays(profile: ReturnType<typeof reference>, series: { values: number[]; dates: string[] }, at: number): number | null {
  for (let end = at; end < at + 60; end++) if (judge(profile, [series], end).status === 'critical') return end - at + 1;
  return null;
}

describe('within-window shift of the last days, calibrated family-wise', () => {
  it('the rolling statistic of every training window equals the statistic of that window alone', () => {
    const rolled = rollingShifts({ values: train.values, dates: train.dates, windowDays: WINDOW, shiftDays: [1, 3, 5] });
    expect(rolled.shifts[0]!.length).toBe(2000 - WINDOW + 1);
    for (const w of [0, 700, 1980]) {
      const win = windowEnding(train, { end: w + WINDOW - 1, days: WINDOW, tickers: TICKERS });
      expect(rolled.ends[w]).toBe(win.dates.at(-1));
      [1, 3, 5].forEach((days, k) => expect(rolled.shifts[k]![w]).toBeCloseTo(windowShift(win.values, win.dates, days), 12));
    }
  });

  it('no look-ahead: a window’s statistic uses only its own days, and checks before a planted change are unchanged by it', () => {
    const prefix = { values: train.values.slice(0, 1000 * TICKERS), dates: train.dates.slice(0, 1000 * TICKERS) };
    const full = rollingShifts({ values: train.values, dates: train.dates, windowDays: WINDOW, shiftDays: [2] }).shifts[0]!;
    const early = rollingShifts({ ...prefix, windowDays: WINDOW, shiftDays: [2] }).shifts[0]!;
    expect(Array.from(early)).toEqual(Array.from(full.subarray(0, early.length)));

    const profile = reference([train.values]);
    const unchanged = ar1({ days: 600, tickers: TICKERS, seed: 99 });
    const changed = ar1({ days: 600, tickers: TICKERS, seed: 99, shift: 2, shiftFrom: 500 });
    for (let end = 480; end < 500; end++) expect(judge(profile, [changed], end)).toEqual(judge(profile, [unchanged], end));
    expect(judge(profile, [changed], 500)).not.toEqual(judge(profile, [unchanged], 500));
  });

  it('an unchanged persistent process stays quiet with the shift test on (daily checks, ≤ 1 % at warning or above)', async () => {
    const profile = reference([train.values]);
    expect(profile.calibration?.shiftDays).toEqual([1, 2, 3, 5]);
    expect(profile.calibration?.features.x0?.shift).toHaveLength(4);
    expect(await alarmRate(profile, [ar1({ days: 1000, tickers: TICKERS, seed: 99 })], 1000)).toBeLessThanOrEqual(0.01);
  });

  it('a level shift is critical within 3 days through the shift of the last days, sooner than the window against the reference alone', () => {
    const at = 800;
    const changed = ar1({ days: 900, tickers: TICKERS, seed: 99, shift: 1.5, shiftFrom: at });
    const withShift = detectionDays(reference([train.values]), changed, at);
    const without = detectionDays(reference([train.values], { shiftDays: [] }), changed, at);
    expect(withShift).not.toBeNull();
    expect(withShift!).toBeLessThanOrEqual(3);
    expect(without === null || without > withShift!).toBe(true);
    const r = judge(reference([train.values]), [changed], at + withShift! - 1);
    expect(r.features[0]!.reason).toMatch(/day\(s\)' mean − the window's earlier days' \+[\d.]+ outside calibrated \[/);
  });

  it('family-wise: more features raise the common factor, so four features alarm far less often than with per-test thresholds', async () => {
    const others = [11, 12, 13].map((seed) => ar1({ days: 2000, tickers: TICKERS, seed }).values);
    const one = reference([train.values]);
    const four = reference([train.values, ...others]);
    const fourPerTest = reference([train.values, ...others], { familyQuantile: 0 });
    expect(one.calibration!.familyFactor!).toBeGreaterThanOrEqual(1);
    expect(four.calibration!.familyFactor!).toBeGreaterThan(one.calibration!.familyFactor!);
    expect(fourPerTest.calibration!.familyFactor!).toBe(1);
    const fresh = [99, 21, 22, 23].map((seed) => ar1({ days: 500, tickers: TICKERS, seed }));
    // Persistent processes alarm in runs of days, so a 481-day sample is coarse: ≤ 2 %, and under half
    // the rate of the same tests each at its own quantile.
    const family = await alarmRate(four, fresh, 500);
    expect(family).toBeLessThanOrEqual(0.02);
    expect(family).toBeLessThan((await alarmRate(fourPerTest, fresh, 500)) / 2);
  });

  it('the report states the family factor, the margin and why each feature alerted', async () => {
    const profile = reference([train.values]);
    const changed = ar1({ days: 900, tickers: TICKERS, seed: 99, shift: 1.5, shiftFrom: 800 });
    const result = judge(profile, [changed], 802);
    expect(result.calibration?.familyFactor).toBe(profile.calibration!.familyFactor);
    const dir = mkdtempSync(join(tmpdir(), 'drift-report-'));
    const paths = await writeDriftReport({
      dir,
      result,
      thresholds: { psiWarning: 0.1, psiCritical: 0.25, ksPValue: 0.01 },
      title: 't',
      synthetic: true,
    });
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain(`family factor ${profile.calibration!.familyFactor!.toFixed(3)}`);
    expect(md).toContain('margin 1.2');
    expect(md).toContain(result.features[0]!.reason!);
  });
});

describe('on the embedded market', () => {
  it('volatility ×2 is critical within 5 trading days; the unchanged market is ok on the same days', () => {
    const at = '2025-03-03';
    const unchanged = marketRows({ seed: 42, end: '2025-04-30' });
    const changed = marketRows({ seed: 42, end: '2025-04-30', changes: [{ from: at, volatility: 2 }] });
    const ref = rowsBefore(unchanged, '2024-07-01');
    const profile = buildReferenceProfile({
      featureNames: unchanged.featureNames,
      columns: ref.columns,
      calibration: { dates: ref.dates, windowDays: WINDOW },
    });
    const check = (m: typeof changed, day: number) =>
      checkDrift({ reference: profile, current: { featureNames: m.featureNames, ...windowColumns(m, day, WINDOW), windowDays: WINDOW } });
    const start = changed.days.indexOf(at);
    const levels = Array.from({ length: 5 }, (_, k) => check(changed, start + k).status);
    expect(levels).toContain('critical');
    for (let k = 0; k < 5; k++) expect(check(unchanged, start + k).status).toBe('ok');
  });
});
