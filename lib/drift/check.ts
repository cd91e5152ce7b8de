import type { ColumnCalibration, DriftCalibration, ShiftCalibration, WindowCalibration } from './calibration';
import { ks2samp } from './ks';
import { binFractions, psi } from './psi';
import { orderStatistics, type ColumnProfile, type ReferenceProfile } from './profile';
import { windowShift } from './shift';
import { unseenCount } from './unseen';
import { windowStats } from './windowStats';

const KS_MAX_VALUES = 10_000;

export type DriftLevel = 'ok' | 'warning' | 'critical';

export interface DriftThresholds {
  psiWarning: number;
  psiCritical: number;
  /** Family-wise KS significance; each feature is tested at ksPValue / number of watched features. */
  ksPValue: number;
  /**
   * 'calibrated' (default): per-feature thresholds from the reference profile's calibration when
   * it was calibrated for the check's window length, else the fixed ones. 'fixed': always these.
   */
  mode?: 'calibrated' | 'fixed';
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psiWarning: 0.1, psiCritical: 0.25, ksPValue: 0.01 };

export interface FeatureDrift {
  name: string;
  psi: number | null;
  ks: number | null;
  pValue: number | null;
  level: DriftLevel;
  missing?: true;
  /** The thresholds this feature was judged by. */
  threshold?: { source: 'calibrated' | 'fixed'; psiWarning: number; psiCritical: number; ksWarning?: number; ksCritical?: number };
  /** PSI and KS statistic of the window's last `recentDays` (calibrated checks). */
  recent?: { psi: number; ks: number };
  /** Mean of the window's last `days` days minus the mean of its earlier days (calibrated checks). */
  shift?: { days: number; value: number }[];
  /** Values far outside anything the reference held (see unseen.ts). */
  unseen?: number;
  /** Why it alerted (absent when ok). */
  reason?: string;
}

export interface DriftResult {
  status: DriftLevel | 'nothing_to_compare';
  reason?: string;
  rows: number;
  features: FeatureDrift[];
  prediction?: { psi: number; ks: number; pValue: number; level: DriftLevel };
  label?: { referencePositiveRate: number; currentPositiveRate: number; difference: number; n: number };
  summary: string;
  /** How the calibrated thresholds were set (absent with fixed thresholds), for the report. */
  calibration?: Omit<DriftCalibration, 'features'>;
}

const rank: Record<DriftLevel, number> = { ok: 0, warning: 1, critical: 2 };

/**
 * Levels: critical when a watched feature's (or the predictions') PSI ≥ psiCritical; warning when
 * PSI ≥ psiWarning, or when the KS test rejects at the Bonferroni-corrected level (KS alone never
 * makes a check critical: with hundreds of rows it flags shifts too small to matter). Overall =
 * the worst level.
 */
export function checkDrift(o: {
  reference: ReferenceProfile | null | undefined;
  current: {
    featureNames: string[];
    columns: ArrayLike<number>[];
    predictions?: ArrayLike<number>;
    labels?: ArrayLike<number>;
    windowDays?: number;
    dates?: ArrayLike<string>;
  };
  thresholds?: Partial<DriftThresholds>;
  watch?: string[];
}): DriftResult {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...o.thresholds };
  const rows = o.current.columns[0]?.length ?? 0;
  if (!o.reference) {
    return {
      status: 'nothing_to_compare',
      reason: 'no reference distribution: the production model has no saved profile (or there is no production model)',
      rows,
      features: [],
      summary: 'nothing to compare',
    };
  }
  if (rows === 0)
    return { status: 'nothing_to_compare', reason: 'no current data in the window', rows, features: [], summary: 'nothing to compare' };
  const watched = o.watch?.length ? o.watch : Object.keys(o.reference.features);
  const alpha = t.ksPValue / Math.max(1, watched.length);
  const levelOf = (p: number, pValue: number): DriftLevel =>
    p >= t.psiCritical ? 'critical' : p >= t.psiWarning || pValue < alpha ? 'warning' : 'ok';
  const compare = (ref: ColumnProfile, values: ArrayLike<number>) => {
    const p = psi(ref.fractions, binFractions(values, ref.edges).fractions);
    const clean = Float64Array.from(values)
      .filter((v) => !Number.isNaN(v))
      .sort();
    // The exact KS p-value (SciPy's method up to 10,000 values a side) on at most 10,000 evenly spaced
    // order statistics of the window, as the reference keeps ≤ 2,000: large windows stay exact and fast.
    const current = orderStatistics(clean, KS_MAX_VALUES);
    const k = current.length && ref.sample.length ? ks2samp(ref.sample, current) : { statistic: NaN, pValue: NaN };
    return { psi: p, ks: k.statistic, pValue: k.pValue };
  };
  const cal = o.reference.calibration;
  const calibrated = t.mode !== 'fixed' && cal !== undefined && cal.windowDays === o.current.windowDays ? cal : undefined;
  const recentRows = calibrated?.recentDays && o.current.dates ? lastDaysRows(o.current.dates, calibrated.recentDays) : undefined;
  const features: FeatureDrift[] = watched.map((name) => {
    const ref = o.reference!.features[name];
    const j = o.current.featureNames.indexOf(name);
    if (!ref || j < 0) return { name, psi: null, ks: null, pValue: null, level: 'ok', missing: true };
    const c = compare(ref, o.current.columns[j]!);
    const fc = calibrated?.features[name];
    if (fc) {
      const values = o.current.columns[j]!;
      const recent =
        fc.recent && recentRows
          ? windowStats(
              ref,
              recentRows.map((r) => values[r]!),
            )
          : undefined;
      const dates = o.current.dates;
      const shift =
        dates && fc.shift?.length ? fc.shift.map((b) => ({ days: b.days, value: windowShift(values, dates, b.days) })) : undefined;
      return {
        name,
        ...c,
        ...(recent ? { recent } : {}),
        ...(shift ? { shift } : {}),
        ...calibratedLevel({
          window: c,
          recent,
          shift,
          calibration: fc,
          unseen: unseenCount(ref, values),
          recentDays: calibrated.recentDays ?? 0,
        }),
      };
    }
    const level = levelOf(c.psi, c.pValue);
    const reason =
      level === 'ok'
        ? undefined
        : c.psi >= t.psiWarning
          ? `PSI ${c.psi.toFixed(3)} ≥ ${c.psi >= t.psiCritical ? t.psiCritical : t.psiWarning} (fixed)`
          : `KS p ${c.pValue.toExponential(2)} < ${alpha.toExponential(2)} (Bonferroni)`;
    return {
      name,
      ...c,
      level,
      threshold: { source: 'fixed', psiWarning: t.psiWarning, psiCritical: t.psiCritical },
      ...(reason ? { reason } : {}),
    };
  });
  let prediction: DriftResult['prediction'];
  if (o.reference.predictions && o.current.predictions?.length) {
    const c = compare(o.reference.predictions, o.current.predictions);
    prediction = { psi: c.psi, ks: c.ks, pValue: c.pValue, level: levelOf(c.psi, c.pValue) };
  }
  let label: DriftResult['label'];
  if (o.reference.positiveRate !== undefined && o.current.labels) {
    const known = Array.from(o.current.labels).filter((v) => v === 0 || v === 1);
    if (known.length) {
      const rate = known.filter((v) => v === 1).length / known.length;
      label = {
        referencePositiveRate: o.reference.positiveRate,
        currentPositiveRate: rate,
        difference: rate - o.reference.positiveRate,
        n: known.length,
      };
    }
  }
  const levels = [...features.map((f) => f.level), ...(prediction ? [prediction.level] : [])];
  const status = levels.reduce<DriftLevel>((a, b) => (rank[b] > rank[a] ? b : a), 'ok');
  const flagged = features.filter((f) => f.level !== 'ok').sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0));
  const missing = features.filter((f) => f.missing).map((f) => f.name);
  const mode = calibrated ? `thresholds calibrated for ${calibrated.windowDays}-day windows` : 'fixed thresholds';
  const summary = [
    `${status.toUpperCase()}: ${flagged.length} of ${features.length} watched features drifted over ${rows} rows (${mode})`,
    flagged.length
      ? `top: ${flagged
          .slice(0, 5)
          .map((f) => `${f.name} PSI ${f.psi!.toFixed(3)}`)
          .join(', ')}`
      : '',
    prediction ? `prediction PSI ${prediction.psi.toFixed(3)}` : '',
    missing.length ? `missing from current data: ${missing.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const calibration = calibrated ? (({ features: _, ...rest }) => rest)(calibrated) : undefined;
  return { status, rows, features, prediction, label, summary, ...(calibration ? { calibration } : {}) };
}

/**
 * Calibrated levels. The KS p-value is not used: it assumes independent rows, and a window of
 * autocorrelated indicators rejects almost always; the KS statistic is judged against its own
 * calibrated quantiles instead. Values far beyond the reference's whole range (a unit or scale
 * error upstream) are critical at once, whatever the window's PSI, as PSI needs many such rows.
 * The within-window shift of the last days is judged against its calibrated band (shift.ts).
 */
function calibratedLevel(o: {
  window: { psi: number; ks: number };
  recent?: { psi: number; ks: number };
  shift?: { days: number; value: number }[];
  calibration: ColumnCalibration;
  unseen: number;
  recentDays: number;
}): Pick<FeatureDrift, 'level' | 'threshold' | 'unseen' | 'reason'> {
  const fc = o.calibration;
  const threshold = {
    source: 'calibrated' as const,
    psiWarning: fc.psiWarning,
    psiCritical: fc.psiCritical,
    ksWarning: fc.ksWarning,
    ksCritical: fc.ksCritical,
  };
  const reasons: { level: DriftLevel; text: string }[] = [];
  if (o.unseen)
    reasons.push({
      level: o.unseen >= UNSEEN_CRITICAL ? 'critical' : 'warning',
      text: `${o.unseen} value(s) beyond the reference's range by more than its width`,
    });
  const judge = (what: string, s: { psi: number; ks: number }, c: WindowCalibration) => {
    if (s.psi >= c.psiCritical)
      reasons.push({ level: 'critical', text: `${what}PSI ${s.psi.toFixed(3)} ≥ calibrated ${c.psiCritical.toFixed(3)}` });
    else if (s.psi >= c.psiWarning)
      reasons.push({ level: 'warning', text: `${what}PSI ${s.psi.toFixed(3)} ≥ calibrated ${c.psiWarning.toFixed(3)}` });
    if (s.ks >= c.ksCritical)
      reasons.push({ level: 'critical', text: `${what}KS ${s.ks.toFixed(3)} ≥ calibrated ${c.ksCritical.toFixed(3)}` });
    else if (s.ks >= c.ksWarning)
      reasons.push({ level: 'warning', text: `${what}KS ${s.ks.toFixed(3)} ≥ calibrated ${c.ksWarning.toFixed(3)}` });
  };
  judge('', o.window, fc);
  if (o.recent && fc.recent) judge(`last ${o.recentDays} days: `, o.recent, fc.recent);
  const shift = worstShift(o.shift ?? [], fc.shift ?? []);
  if (shift) reasons.push(shift);
  const level = reasons.reduce<DriftLevel>((a, r) => (rank[r.level] > rank[a] ? r.level : a), 'ok');
  return {
    level,
    threshold,
    ...(o.unseen ? { unseen: o.unseen } : {}),
    ...(reasons.length ? { reason: reasons.map((r) => r.text).join('; ') } : {}),
  };
}

/**
 * The within-window shift furthest outside its band (one reason per feature: the shifts of the
 * last 1, 2, 3 and 5 days overlap and would repeat one another).
 */
function worstShift(shifts: { days: number; value: number }[], bands: ShiftCalibration[]): { level: DriftLevel; text: string } | undefined {
  let worst: { level: DriftLevel; text: string; excess: number } | undefined;
  for (const s of shifts) {
    const b = bands.find((x) => x.days === s.days);
    if (!b || !Number.isFinite(s.value)) continue;
    const level: DriftLevel = outside(s.value, b.critical) ? 'critical' : outside(s.value, b.warning) ? 'warning' : 'ok';
    if (level === 'ok') continue;
    const band = level === 'critical' ? b.critical : b.warning;
    // How far beyond the band, in units of the band's half-width on that side.
    const excess = s.value > band[1] ? (s.value - band[1]) / (band[1] - b.median) : (band[0] - s.value) / (b.median - band[0]);
    if (worst && (rank[worst.level] > rank[level] || (worst.level === level && worst.excess >= excess))) continue;
    const text = `last ${s.days} day(s)' mean − the window's earlier days' ${signed(s.value)} outside calibrated [${signed(band[0])}, ${signed(band[1])}]`;
    worst = { level, text, excess };
  }
  return worst && { level: worst.level, text: worst.text };
}

function outside(x: number, band: [number, number]): boolean {
  return x < band[0] || x > band[1];
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Number(Math.abs(x).toPrecision(3))}`;
}

/** Indices of the rows whose date is among the last `days` distinct dates. */
function lastDaysRows(dates: ArrayLike<string>, days: number): number[] {
  const distinct = [...new Set(Array.from(dates))].sort();
  const first = distinct[Math.max(0, distinct.length - days)]!;
  const out: number[] = [];
  for (let r = 0; r < dates.length; r++) if (dates[r]! >= first) out.push(r);
  return out;
}

/** Three rows (not one: a single corrupt print should warn through PSI, not page anyone). */
const UNSEEN_CRITICAL = 3;
