// Scratch: grid over calibration settings (not part of the bench).
import { buildReferenceProfile } from '../../lib/drift/profile';
import { quantileOf } from '../../lib/drift/calibration';
import { rollingWindowStats, windowStats } from '../../lib/drift/windowStats';
import { unseenCount } from '../../lib/drift/unseen';
import { marketRows, rowsBefore, windowColumns, type MarketRows } from './market';
const W = 20, R = 5, TRAIN_END = '2024-07-01', CHANGE_AT = '2025-03-03';
type Null = { w: { psi: Float64Array; ks: Float64Array }; r: { psi: Float64Array; ks: Float64Array } }[];
function prep(m: MarketRows) {
  const train = rowsBefore(m, TRAIN_END);
  const prof = buildReferenceProfile({ featureNames: m.featureNames, columns: train.columns });
  const nulls: Null = m.featureNames.map((n, j) => ({ w: rollingWindowStats({ profile: prof.features[n]!, values: train.columns[j]!, dates: train.dates, windowDays: W }), r: rollingWindowStats({ profile: prof.features[n]!, values: train.columns[j]!, dates: train.dates, windowDays: R }) }));
  return { prof, nulls };
}
function checks(m: MarketRows, prof: any, days: number[]) {
  return days.map((k) => { const wc = windowColumns(m, k, W); const rc = windowColumns(m, k, R); return m.featureNames.map((n, j) => ({ w: windowStats(prof.features[n], wc.columns[j]!), r: windowStats(prof.features[n], rc.columns[j]!), u: unseenCount(prof.features[n], wc.columns[j]!) })); });
}
const runs: { name: string; stats: ReturnType<typeof checks>; nulls: Null }[] = [];
for (const seed of [42, 1]) { const m = marketRows({ seed, end: '2025-12-31' }); const p = prep(m); runs.push({ name: `null${seed}`, stats: checks(m, p.prof, m.days.flatMap((d, k) => (d >= '2025-01-01' ? [k] : []))), nulls: p.nulls }); }
const sc: [string, any][] = [['vol', { changes: [{ from: CHANGE_AT, volatility: 2 }] }], ['effect', { changes: [{ from: CHANGE_AT, reversion: false }] }], ['scale', { scaleFeature: { name: 'rsi_14', factor: 10, from: CHANGE_AT } }], ['volume', { changes: [{ from: CHANGE_AT, volume: 3 }] }]];
for (const [name, o] of sc) { const m = marketRows({ seed: 42, end: '2025-12-31', ...o }); const p = prep(m); const s = m.days.findIndex((d) => d >= CHANGE_AT); runs.push({ name, stats: checks(m, p.prof, Array.from({ length: 120 }, (_, i) => s + i)), nulls: p.nulls }); }
for (const q of [0.99, 0.995, 0.999, 1]) for (const wm of [1, 1.1, 1.25, 1.5]) for (const cm of [1.1, 1.25, 1.5, 2]) for (const useRecent of [true, false]) {
  if (cm < wm) continue;
  const out: string[] = [];
  for (const run of runs) {
    const th = run.nulls.map((n) => ({ wp: quantileOf(n.w.psi, q), wk: quantileOf(n.w.ks, q), rp: quantileOf(n.r.psi, q), rk: quantileOf(n.r.ks, q) }));
    const lv = run.stats.map((day) => Math.max(...day.map((f, j) => { const t = th[j]!; let l = f.u >= 3 ? 2 : 0; const j2 = (v: number, b: number) => (v >= Math.max(b * cm) ? 2 : v >= b * wm ? 1 : 0); l = Math.max(l, j2(f.w.psi, t.wp), j2(f.w.ks, t.wk)); if (useRecent) l = Math.max(l, j2(f.r.psi, t.rp), j2(f.r.ks, t.rk)); return l; })));
    if (run.name.startsWith('null')) out.push(`${run.name}=${(lv.filter((l) => l > 0).length / lv.length).toFixed(3)}`);
    else { const i = lv.findIndex((l) => l === 2); out.push(`${run.name}=${i < 0 ? '-' : i + 1}`); }
  }
  console.log(`q=${q} w=${wm} c=${cm} recent=${useRecent} ${out.join(' ')}`);
}
