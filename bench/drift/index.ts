/**
 * Drift checks without false alarms, and how fast they see real changes.
 * - Unchanged embedded market: the reference is the training window of a model trained up to
 *   mid-2024 (ten years, the last six months held out as the pipeline does); then one year of daily
 *   checks (2025) at the default settings (20-day window, all 27 features). false_alarm_rate =
 *   share of those checks at warning or above. Also shown for the fixed 0.1 / 0.25 thresholds and,
 *   out of tuning, for other seeds: seed 1 (the held-out seed since the calibration was first
 *   tuned), seeds 2–5 (looked at while the within-window shift and the family-wise factor were
 *   designed on seed 42) and seeds 6–7 (not looked at before the settings were fixed).
 * - Planted changes from 2025-03-03 (volatility ×2, the learnable effect removed, rsi_14 ×10,
 *   volume ×3): daily checks from the change day for 120 trading days; detection days = trading
 *   days of changed data in the window when the first check reaches critical (1 = the change day).
 *   On seed 42 (the RESULT) and, as a check, on seed 1.
 * Run: npm run bench -- drift
 */
import { buildReferenceProfile, checkDrift, type DriftLevel } from '../../lib/drift';
import { marketRows, rowsBefore, windowColumns, type MarketRows } from './market';

const WINDOW_DAYS = 20;
const TRAIN_END = '2024-07-01';
const CHECK_FROM = '2025-01-01';
const CHECK_TO = '2025-12-31';
const CHANGE_AT = '2025-03-03';
const HORIZON_DAYS = 120;
const END = '2025-12-31';

function reference(m: MarketRows) {
  const train = rowsBefore(m, TRAIN_END);
  return buildReferenceProfile({
    featureNames: m.featureNames,
    columns: train.columns,
    calibration: { dates: train.dates, windowDays: WINDOW_DAYS },
  });
}

function check(m: MarketRows, profile: ReturnType<typeof reference>, day: number, mode: 'calibrated' | 'fixed') {
  return checkDrift({
    reference: profile,
    current: { featureNames: m.featureNames, ...windowColumns(m, day, WINDOW_DAYS), windowDays: WINDOW_DAYS },
    thresholds: { mode },
  });
}

function unchanged(seed: number, withFixed: boolean) {
  const m = marketRows({ seed, end: END });
  const t0 = performance.now();
  const profile = reference(m);
  const calibrationSeconds = (performance.now() - t0) / 1000;
  const days = m.days.flatMap((d, k) => (d >= CHECK_FROM && d <= CHECK_TO ? [k] : []));
  const levels = { calibrated: [] as DriftLevel[], fixed: [] as DriftLevel[] };
  const alerts = new Map<string, number>();
  for (const k of days) {
    const r = check(m, profile, k, 'calibrated');
    levels.calibrated.push(r.status as DriftLevel);
    for (const f of r.features) if (f.level !== 'ok') alerts.set(f.name, (alerts.get(f.name) ?? 0) + 1);
    if (withFixed) levels.fixed.push(check(m, profile, k, 'fixed').status as DriftLevel);
  }
  const rate = (l: DriftLevel[]) => l.filter((s) => s !== 'ok').length / Math.max(1, l.length);
  return {
    checks: days.length,
    rate: rate(levels.calibrated),
    fixedRate: rate(levels.fixed),
    fixedCritical: levels.fixed.filter((s) => s === 'critical').length,
    alerts,
    calibrationSeconds,
    calibration: profile.calibration,
  };
}

function scenarios(seed: number): { name: string; build: () => MarketRows }[] {
  return [
    { name: 'volatility ×2', build: () => marketRows({ seed, end: END, changes: [{ from: CHANGE_AT, volatility: 2 }] }) },
    { name: 'learnable effect removed', build: () => marketRows({ seed, end: END, changes: [{ from: CHANGE_AT, reversion: false }] }) },
    {
      name: 'rsi_14 scale ×10',
      build: () => marketRows({ seed, end: END, scaleFeature: { name: 'rsi_14', factor: 10, from: CHANGE_AT } }),
    },
    { name: 'volume level ×3', build: () => marketRows({ seed, end: END, changes: [{ from: CHANGE_AT, volume: 3 }] }) },
  ];
}

function detection(m: MarketRows): { days: number | null; first: string } {
  const profile = reference(m);
  const start = m.days.findIndex((d) => d >= CHANGE_AT);
  for (let k = start; k < Math.min(m.days.length, start + HORIZON_DAYS); k++) {
    const r = check(m, profile, k, 'calibrated');
    if (r.status === 'critical')
      return {
        days: k - start + 1,
        first: r.features
          .filter((f) => f.level === 'critical')
          .map((f) => `${f.name} (${f.reason})`)
          .slice(0, 2)
          .join(', '),
      };
  }
  return { days: null, first: '' };
}

/** Median over the planted changes; a missed change counts as never (+∞), so it can only raise it. */
function detections(seed: number) {
  const found = scenarios(seed).map((s) => ({ name: s.name, ...detection(s.build()) }));
  const all = found.map((f) => f.days ?? Infinity).sort((a, b) => a - b);
  const mid = all.length / 2;
  const p50 = all.length % 2 ? all[Math.floor(mid)]! : (all[mid - 1]! + all[mid]!) / 2;
  return { found, p50, missed: found.filter((f) => f.days === null).length };
}

const base = unchanged(42, true);
const cal = base.calibration!;
console.log(
  `unchanged market (seed 42): ${base.checks} daily checks, ${WINDOW_DAYS}-day window, ${27} features; calibration ${base.calibrationSeconds.toFixed(1)} s; family factor ${cal.familyFactor!.toFixed(3)} × margin ${cal.criticalMargin}`,
);
console.log(
  `  calibrated: ${(base.rate * 100).toFixed(2)} % at warning or above   fixed 0.1/0.25: ${(base.fixedRate * 100).toFixed(1)} % (${base.fixedCritical} critical)`,
);
if (base.alerts.size) console.log(`  features that alerted: ${[...base.alerts].map(([n, c]) => `${n}×${c}`).join(', ')}`);
const others = [1, 2, 3, 4, 5, 6, 7].map((seed) => ({ seed, ...unchanged(seed, false) }));
for (const o of others)
  console.log(
    `unchanged market (seed ${o.seed}, not used for tuning): ${(o.rate * 100).toFixed(2)} % at warning or above${o.alerts.size ? `  (${[...o.alerts].map(([n, c]) => `${n}×${c}`).join(', ')})` : ''}`,
  );
const seed1 = others[0]!;
const worst = Math.max(...others.map((o) => o.rate));
const found = detections(42);
const foundSeed1 = detections(1);
for (const [seed, d] of [
  [42, found],
  [1, foundSeed1],
] as const)
  for (const f of d.found)
    console.log(
      `  seed ${String(seed).padEnd(3)}${f.name.padEnd(26)} ${f.days === null ? `not critical within ${HORIZON_DAYS} trading days` : `critical after ${f.days} trading days: ${f.first}`}`,
    );
const fmt = (x: number) => (Number.isFinite(x) ? x : 'inf');
console.log(
  `RESULT drift false_alarm_rate=${base.rate.toFixed(4)} detection_days_p50=${fmt(found.p50)} missed=${found.missed} false_alarm_rate_fixed=${base.fixedRate.toFixed(4)} false_alarm_rate_seed1=${seed1.rate.toFixed(4)} false_alarm_rate_seeds1_7_max=${worst.toFixed(4)} detection_days_p50_seed1=${fmt(foundSeed1.p50)} missed_seed1=${foundSeed1.missed}`,
);
