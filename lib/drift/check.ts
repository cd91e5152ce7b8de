import { ks2samp } from './ks';

const KS_MAX_VALUES = 10_000;
import { binFractions, psi } from './psi';
import { orderStatistics, type ColumnProfile, type ReferenceProfile } from './profile';

export type DriftLevel = 'ok' | 'warning' | 'critical';

export interface DriftThresholds {
  psiWarning: number;
  psiCritical: number;
  /** Family-wise KS significance; each feature is tested at ksPValue / number of watched features. */
  ksPValue: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psiWarning: 0.1, psiCritical: 0.25, ksPValue: 0.01 };

export interface FeatureDrift {
  name: string;
  psi: number | null;
  ks: number | null;
  pValue: number | null;
  level: DriftLevel;
  missing?: true;
}

export interface DriftResult {
  status: DriftLevel | 'nothing_to_compare';
  reason?: string;
  rows: number;
  features: FeatureDrift[];
  prediction?: { psi: number; ks: number; pValue: number; level: DriftLevel };
  label?: { referencePositiveRate: number; currentPositiveRate: number; difference: number; n: number };
  summary: string;
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
  current: { featureNames: string[]; columns: ArrayLike<number>[]; predictions?: ArrayLike<number>; labels?: ArrayLike<number> };
  thresholds?: Partial<DriftThresholds>;
  watch?: string[];
}): DriftResult {
  const t = { ...DEFAULT_DRIFT_THRESHOLDS, ...o.thresholds };
  const rows = o.current.columns[0]?.length ?? 0;
  if (!o.reference) {
    return { status: 'nothing_to_compare', reason: 'no reference distribution: the production model has no saved profile (or there is no production model)', rows, features: [], summary: 'nothing to compare' };
  }
  if (rows === 0) return { status: 'nothing_to_compare', reason: 'no current data in the window', rows, features: [], summary: 'nothing to compare' };
  const watched = o.watch?.length ? o.watch : Object.keys(o.reference.features);
  const alpha = t.ksPValue / Math.max(1, watched.length);
  const levelOf = (p: number, pValue: number): DriftLevel => (p >= t.psiCritical ? 'critical' : p >= t.psiWarning || pValue < alpha ? 'warning' : 'ok');
  const compare = (ref: ColumnProfile, values: ArrayLike<number>) => {
    const p = psi(ref.fractions, binFractions(values, ref.edges).fractions);
    const clean = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
    // The exact KS p-value (SciPy's method up to 10,000 values a side) on at most 10,000 evenly spaced
    // order statistics of the window, as the reference keeps ≤ 2,000: large windows stay exact and fast.
    const current = orderStatistics(clean, KS_MAX_VALUES);
    const k = current.length && ref.sample.length ? ks2samp(ref.sample, current) : { statistic: NaN, pValue: NaN };
    return { psi: p, ks: k.statistic, pValue: k.pValue };
  };
  const features: FeatureDrift[] = watched.map((name) => {
    const ref = o.reference!.features[name];
    const j = o.current.featureNames.indexOf(name);
    if (!ref || j < 0) return { name, psi: null, ks: null, pValue: null, level: 'ok', missing: true };
    const c = compare(ref, o.current.columns[j]!);
    return { name, ...c, level: levelOf(c.psi, c.pValue) };
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
      label = { referencePositiveRate: o.reference.positiveRate, currentPositiveRate: rate, difference: rate - o.reference.positiveRate, n: known.length };
    }
  }
  const levels = [...features.map((f) => f.level), ...(prediction ? [prediction.level] : [])];
  const status = levels.reduce<DriftLevel>((a, b) => (rank[b] > rank[a] ? b : a), 'ok');
  const flagged = features.filter((f) => f.level !== 'ok').sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0));
  const missing = features.filter((f) => f.missing).map((f) => f.name);
  const summary = [
    `${status.toUpperCase()}: ${flagged.length} of ${features.length} watched features drifted over ${rows} rows`,
    flagged.length ? `top: ${flagged.slice(0, 5).map((f) => `${f.name} PSI ${f.psi!.toFixed(3)}`).join(', ')}` : '',
    prediction ? `prediction PSI ${prediction.psi.toFixed(3)}` : '',
    missing.length ? `missing from current data: ${missing.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  return { status, rows, features, prediction, label, summary };
}
