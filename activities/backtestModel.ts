import { join } from 'node:path';
import { runBacktest } from '../lib/backtest';
import { checkStageSettings, type BacktestSettings } from '../lib/config/stageSettings';
import { classificationMetrics, rocCurve, runHoldoutSplit, type ClassificationMetrics } from '../lib/evaluation';
import { loadFeatureMatrix, selectRows } from '../lib/features';
import { OnnxModel } from '../lib/onnx';
import { writeJsonAtomic } from '../lib/util';
import type { MetricSummary } from '../lib/evaluation/metrics';
import type { BacktestRef, CandidateRef, FeatureSetRef, ModelScore } from '../lib/pipeline/types';
import type { BacktestDetail } from '../lib/backtest';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';
import { heartbeat } from './heartbeat';
import { localFile, publish, registryFileRef } from './storeFiles';

export interface BacktestModelInput {
  pipelineId: string;
  features: FeatureSetRef;
  candidate: CandidateRef;
  settings: BacktestSettings;
}

/** What the report needs beyond the summaries: per-row scores and daily equity, kept in a file. */
export type { BacktestDetail } from '../lib/backtest';

/**
 * Score the candidate and the current production model on the identical holdout rows through
 * onnxruntime, then backtest both. A production model that cannot be read or scored is reported
 * (the candidate is then judged as a first model), never silently compared against nothing.
 */
export function backtestModelActivity(deps: ActivityDeps) {
  return async function backtestModel({ pipelineId, features, candidate, settings }: BacktestModelInput): Promise<BacktestRef> {
    const config = checkStageSettings('backtest', settings);
    const log = deps.logger.child({ module: 'backtest', pipelineId });
    const featuresPath = await localFile(deps, features);
    const all = await loadFeatureMatrix(featuresPath, { labelledOnly: true });
    const split = runHoldoutSplit(all, config);
    const idx = split.holdoutIdx;
    const dates = idx.map((i) => all.dates[i]!);
    const tickers = idx.map((i) => all.tickers[i]!);
    const y = Float32Array.from(idx, (i) => all.y[i]!);
    const nextReturn = Float64Array.from(idx, (i) => all.nextReturn[i]!);
    const rowsOf = (m: typeof all.X) => selectRows(m, idx);
    const bt = { threshold: config.backtest.threshold, costBps: config.backtest.costBps };

    const cand = await OnnxModel.load(await localFile(deps, candidate.onnx), { expectedSha256: candidate.onnx.sha256 });
    // Both models are scored through onnxruntime whatever engine trained them; the log names them.
    const engines: { candidate: string; production?: string } = { candidate: engineOf(cand.metadata) };
    let candProba: Float32Array;
    try {
      candProba = await cand.predictProba(rowsOf(all.X));
    } finally {
      await cand.dispose();
    }
    heartbeat({ step: 'candidate scored' });
    const candMetrics = classificationMetrics(y, candProba, 0.5);
    const candBacktest = runBacktest({ dates, tickers, proba: candProba, nextReturn, ...bt });

    let production: BacktestDetail['production'] = null;
    let productionScore: ModelScore | null = null;
    let productionNote: string | undefined;
    let schemaChanged = false;
    const prod = await (await registryFor(deps, config.modelName)).production();
    if (prod) {
      try {
        const file = prod.files['model.onnx'];
        const model = file
          ? await OnnxModel.load(await localFile(deps, registryFileRef(file)), { expectedSha256: file.sha256 })
          : await OnnxModel.load(prod.onnx, { expectedSha256: prod.metadata.files['model.onnx']?.sha256 });
        try {
          engines.production = engineOf(model.metadata);
          schemaChanged = prod.metadata.schemaHash !== features.schemaHash;
          let X = rowsOf(all.X);
          if (schemaChanged) {
            // Each model on its own features for the same rows: production's columns from this feature set.
            const own = await loadFeatureMatrix(featuresPath, { labelledOnly: true, featureNames: model.featureNames });
            X = rowsOf(own.X);
            productionNote = 'feature schema changed: production scored on its own features for the same dates';
          }
          const proba = await model.predictProba(X);
          const pb = runBacktest({ dates, tickers, proba, nextReturn, ...bt });
          production = { version: prod.version, proba: Array.from(proba), backtest: pb, roc: rocCurve(y, proba) };
          productionScore = { version: prod.version, metrics: summary(classificationMetrics(y, proba, 0.5)), trading: pb.metrics };
        } finally {
          await model.dispose();
        }
      } catch (err) {
        productionNote = `production model ${prod.version} could not be scored (${(err as Error).message}); the candidate is judged as a first model`;
        log.warn({ production: prod.version, error: (err as Error).message }, 'production model not scored');
      }
    }

    const detail: BacktestDetail = {
      holdout: { start: split.holdoutStart, end: split.holdoutEnd, trainEnd: split.trainEnd, rows: idx.length },
      candidate: { proba: Array.from(candProba), backtest: candBacktest, roc: rocCurve(y, candProba) },
      production,
      y: Array.from(y),
      dates,
    };
    const path = join(deps.paths.runsDir, pipelineId, 'backtest.json');
    await writeJsonAtomic(path, detail);
    const ref: BacktestRef = {
      result: await publish(deps, path),
      holdoutRows: idx.length,
      candidate: { version: null, metrics: summary(candMetrics), trading: candBacktest.metrics },
      production: productionScore,
      productionNote,
      buyHold: candBacktest.buyHold,
      schemaChanged,
    };
    log.info(
      {
        engines,
        accuracy: candMetrics.accuracy,
        baseline: candMetrics.baselineAccuracy,
        sharpe: candBacktest.metrics.sharpe,
        production: productionScore?.version ?? null,
      },
      'holdout backtest done',
    );
    return ref;
  };
}

function summary(m: ClassificationMetrics): MetricSummary {
  const { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy } = m;
  return { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy };
}

/** "lightgbm 4.7.0" from the ONNX metadata; models exported before engines were named are XGBoost's. */
function engineOf(metadata: Record<string, string>): string {
  if (metadata.engine) return `${metadata.engine} ${metadata.engine_version ?? ''}`.trim();
  return `xgboost ${metadata.xgboost_version ?? ''}`.trim();
}
