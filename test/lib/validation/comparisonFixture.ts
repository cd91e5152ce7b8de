import { runBacktest, type BacktestDetail } from '../../../lib/backtest';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from '../../../lib/config/pipeline';
import { classificationMetrics, rocCurve, type MetricSummary } from '../../../lib/evaluation';
import type { BacktestRef, CandidateRef, DataRef, FeatureSetRef, ModelScore } from '../../../lib/pipeline/types';

/** A small deterministic generator (the fixture must not depend on Math.random). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const ref = (name: string) => ({ uri: `file:///fixture/${name}`, sha256: name.padEnd(64, '0').slice(0, 64), size: 1 });

/**
 * A compare stage's inputs without files or a server: a holdout of 120 trading days × 2 tickers,
 * a candidate whose probabilities carry `skill` (0: none) and, optionally, a production model on
 * the same rows.
 */
export function comparisonFixture(o: { skill: number; production?: number; seed?: number; config?: Partial<PipelineConfig> }) {
  const rnd = lcg(o.seed ?? 7);
  const dates: string[] = [];
  const tickers: string[] = [];
  const y: number[] = [];
  const nextReturn: number[] = [];
  const day0 = Date.UTC(2025, 0, 2);
  for (let d = 0; d < 120; d++) {
    const date = new Date(day0 + d * 86_400_000).toISOString().slice(0, 10);
    for (const t of ['SYN-A', 'SYN-B']) {
      const up = rnd() < 0.5 ? 1 : 0;
      dates.push(date);
      tickers.push(t);
      y.push(up);
      nextReturn.push((up ? 1 : -1) * (0.002 + 0.01 * rnd()));
    }
  }
  const probaOf = (skill: number) => y.map((v) => Math.min(0.99, Math.max(0.01, 0.5 + (v ? 1 : -1) * skill * rnd() + 0.2 * (rnd() - 0.5))));
  const score = (proba: number[]) => {
    const m = classificationMetrics(y, proba, 0.5);
    const { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy } = m;
    const metrics: MetricSummary = { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy };
    return { metrics, backtest: runBacktest({ dates, tickers, proba, nextReturn, threshold: 0.5, costBps: 5 }), roc: rocCurve(y, proba) };
  };
  const candidateProba = probaOf(o.skill);
  const cand = score(candidateProba);
  const prod = o.production === undefined ? null : { version: 'v1.0.0', proba: probaOf(o.production) };
  const prodScore = prod ? score(prod.proba) : null;
  const detail: BacktestDetail = {
    holdout: { start: dates[0]!, end: dates.at(-1)!, trainEnd: '2024-12-20', rows: y.length },
    candidate: { proba: candidateProba, backtest: cand.backtest, roc: cand.roc },
    production: prod && prodScore ? { version: prod.version, proba: prod.proba, backtest: prodScore.backtest, roc: prodScore.roc } : null,
    y,
    dates,
  };
  const production: ModelScore | null = prodScore
    ? { version: 'v1.0.0', metrics: prodScore.metrics, trading: prodScore.backtest.metrics }
    : null;
  const backtest: BacktestRef = {
    result: ref('backtest.json'),
    holdoutRows: y.length,
    candidate: { version: null, metrics: cand.metrics, trading: cand.backtest.metrics },
    production,
    buyHold: cand.backtest.buyHold,
    schemaChanged: false,
  };
  const data: DataRef = {
    source: 'synthetic',
    synthetic: true,
    tickers: [
      { ...ref('SYN-A.parquet'), ticker: 'SYN-A', rows: 500, start: '2023-01-02', end: dates.at(-1)! },
      { ...ref('SYN-B.parquet'), ticker: 'SYN-B', rows: 500, start: '2023-01-02', end: dates.at(-1)! },
    ],
    failed: [],
    warnings: [],
    start: '2023-01-02',
    end: dates.at(-1)!,
  };
  const features: FeatureSetRef = {
    ...ref('features.parquet'),
    rows: 1000,
    labelledRows: 990,
    featureNames: ['ret_1', 'ret_5', 'rsi_14'],
    schemaHash: 'schema-1',
    cacheHit: false,
    classBalance: { positive: 495, negative: 495, positiveRate: 0.5 },
    start: '2023-01-02',
    end: dates.at(-1)!,
  };
  const candidate: CandidateRef = {
    model: ref('model.json'),
    onnx: ref('model.onnx'),
    profile: ref('reference_profile.json'),
    modelType: 'xgb',
    params: { nEstimators: 40, maxDepth: 4, learningRate: 0.1, minChildWeight: 2, subsample: 0.8, colsampleBytree: 0.8 },
    paramsSource: 'default',
    bestIteration: 39,
    rounds: 40,
    trainRows: 750,
    trainWindow: { start: '2023-01-02', end: '2024-12-20' },
    holdoutWindow: { start: dates[0]!, end: dates.at(-1)! },
    cv: { ...cand.metrics, folds: 5 },
    xgboostVersion: '3.0.0',
    engine: 'xgboost',
    engineVersion: '3.0.0',
    schemaHash: 'schema-1',
  };
  const config: PipelineConfig = { ...DEFAULT_PIPELINE_CONFIG, modelName: 'fixture', ...o.config };
  return { config, detail, backtest, data, features, candidate };
}
