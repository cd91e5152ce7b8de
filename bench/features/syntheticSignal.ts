/**
 * Checks that the synthetic market carries a learnable but weak signal: XGBoost (Python, .venv)
 * on our features vs the majority-class baseline, 5-day direction label, last 20% of dates held
 * out after a 5-day embargo. Run: node --import tsx bench/features/syntheticSignal.ts [seed …]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { generateSyntheticMarket } from '../../lib/data/syntheticMarket';
import { tickerFeatureFrame } from '../../lib/features/featureFrame';
import { runPython } from '../../test/support/python';

const EVAL = `
import sys, numpy as np, pandas as pd, xgboost as xgb
for f in sys.stdin.read().split():
    df = pd.read_csv(f)
    df = df[df.label.notna()]
    dates = np.sort(df.date.unique())
    cut, embargo = dates[int(len(dates) * 0.8)], dates[int(len(dates) * 0.8) - 5]
    tr, te = df[df.date < embargo], df[df.date >= cut]
    feats = [c for c in df.columns if c not in ('date', 'ticker', 'label', 'fwd_return', 'next_return')]
    params = dict(objective='binary:logistic', max_depth=3, eta=0.03, subsample=0.8, colsample_bytree=0.8, nthread=2, seed=0)
    booster = xgb.train(params, xgb.DMatrix(tr[feats].values, label=tr.label.values), 300)
    acc = ((booster.predict(xgb.DMatrix(te[feats].values)) > 0.5) == te.label.values).mean()
    majority = 1 if tr.label.mean() >= 0.5 else 0
    base = (te.label.values == majority).mean()
    print(f"{f.split('/')[-1]}: test rows {len(te)}, majority baseline {base:.4f}, xgboost {acc:.4f}, lift {acc - base:+.4f}")
`;

const seeds = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'synthetic-signal-'));
const files = (seeds.length > 0 ? seeds : [42]).map((seed) => {
  const market = generateSyntheticMarket({ seed, end: '2025-06-30' });
  const df = pl.concat(market.series.map((s) => tickerFeatureFrame(s, { labelHorizon: 5, labelThreshold: 0 }))).sort(['date', 'ticker']);
  const file = join(dir, `seed${seed}.csv`);
  df.writeCSV(file);
  return file;
});
process.stdout.write(runPython(EVAL, files.join('\n'), { timeoutMs: 600_000 }));
