import { join } from 'node:path';
import { MODEL_JSON, MODEL_ONNX } from '../lib/registry/layout';
import { modelLinePaths } from '../lib/config/paths';
import type { PipelineConfig } from '../lib/config/pipeline';
import { checkStageSettings, type ValidationReportSettings } from '../lib/config/stageSettings';
import type { BacktestDetail } from '../lib/backtest';
import { writeComparisonReport } from '../lib/report';
import { ConfigError } from '../lib/util/errors';
import { evaluatePromotion, evidenceFor, summariseEvidence } from '../lib/validation';
import type { BacktestRef, CandidateRef, DataRef, EvidenceSummary, FeatureSetRef } from '../lib/pipeline/types';
import { backtestDetailSchema } from '../lib/backtest/detail';
import { readJsonFile } from '../lib/util/jsonFile';
import { DataError } from '../lib/util/errors';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';
import { localFile, publishReport, registryFileRef } from './storeFiles';

export interface ValidationResult {
  version: string;
  decision: 'PROMOTE' | 'REJECT';
  failed: string[];
  report: { markdown: string; html: string; json: string };
  evidence: EvidenceSummary;
  holdout: { start: string; end: string; rows: number };
}

/**
 * `trainctl models validate <version>` (the convention's standalone validation script): a registered
 * version as the backtest stage's "candidate", then its report. Reads the registry, never writes it.
 */
export function validateVersionActivities(deps: ActivityDeps) {
  return {
    /** The registered version's files and training facts, in the shape the backtest stage scores. */
    async registeredVersion({
      modelName,
      version,
      features,
    }: {
      modelName: string;
      version: string;
      features: FeatureSetRef;
    }): Promise<CandidateRef> {
      const registry = await registryFor(deps, modelName);
      const entry = await registry.get(version).catch((err: Error) => {
        throw new ConfigError(
          `${modelName} has no version ${version} (${err.message}); see \`trainctl models list --model-name ${modelName}\``,
        );
      });
      const m = entry.metadata;
      if (m.schemaHash !== features.schemaHash)
        throw new ConfigError(
          `${version} was trained on another feature schema (${m.schemaHash.slice(0, 12)}) than the current features (${features.schemaHash.slice(0, 12)}): it cannot be scored on them`,
        );
      const extra = (m.extra ?? {}) as { holdout?: { start: string; end: string }; trainWindow?: { start: string; end: string } };
      // The registry's own files, by reference: whichever worker backtests them fetches and checks them.
      const file = (name: string) => {
        const f = entry.files[name];
        if (!f) throw new DataError(`${modelName} ${version} has no ${name} in the registry`);
        return registryFileRef(f);
      };
      // Versions from before reference profiles have none; nothing in validation reads it.
      const profile = entry.files['reference_profile.json'];
      return {
        model: file(MODEL_JSON),
        onnx: file(MODEL_ONNX),
        profile: profile
          ? registryFileRef(profile)
          : { uri: `${file(MODEL_ONNX).uri.replace(/model\.onnx$/, '')}reference_profile.json`, sha256: '', size: 0 },
        modelType: m.modelType as PipelineConfig['modelType'],
        params: m.params as unknown as CandidateRef['params'],
        paramsSource: 'default',
        bestIteration: Number(m.params.bestIteration ?? 0),
        rounds: Number(m.params.rounds ?? 0),
        trainRows: 0,
        trainWindow: extra.trainWindow ?? m.dataSource.window,
        holdoutWindow: extra.holdout ?? m.dataSource.window,
        cv: {
          n: 0,
          accuracy: NaN,
          precision: NaN,
          recall: NaN,
          f1: NaN,
          rocAuc: NaN,
          logLoss: NaN,
          balancedAccuracy: NaN,
          baselineAccuracy: NaN,
          folds: 0,
        },
        xgboostVersion: 'none',
        engine: m.modelType === 'lgb' ? 'lightgbm' : 'xgboost',
        engineVersion: 'registered',
        schemaHash: m.schemaHash,
      };
    },

    /** Criteria and evidence on the current holdout, and the report under reports/<model>/validation/<version>/<date>/. */
    async writeValidationReport(o: {
      pipelineId: string;
      settings: ValidationReportSettings;
      data: DataRef;
      version: string;
      candidate: CandidateRef;
      backtest: BacktestRef;
    }): Promise<ValidationResult> {
      const config = checkStageSettings('validationReport', o.settings);
      const detail = (await readJsonFile({
        path: await localFile(deps, o.backtest.result),
        schema: backtestDetailSchema,
        error: DataError,
      })) as BacktestDetail;
      const evidence = evidenceFor({ detail, labelHorizon: config.labelHorizon, seed: config.seed, alpha: config.criteria.alpha });
      // The version judged on its own: thresholds and skill (a comparison with production is the pipeline's job).
      const decision = evaluatePromotion({
        candidate: o.backtest.candidate.metrics,
        production: null,
        criteria: config.criteria,
        evidence,
      });
      const c = detail.candidate.backtest;
      const generatedAt = deps.now().toISOString();
      const dir = join(modelLinePaths(deps.paths, config.modelName).reportsDir, 'validation', o.version, generatedAt.replace(/[:.]/g, '-'));
      const paths = await writeComparisonReport({
        dir,
        version: o.version,
        pipelineId: o.pipelineId,
        generatedAt,
        candidate: {
          version: o.version,
          modelType: o.candidate.modelType,
          metrics: { ...o.backtest.candidate.metrics },
          trading: { ...o.backtest.candidate.trading },
        },
        production: null,
        productionNote: `standalone validation of registered version ${o.version} on data up to ${o.data.end}; the registry was not changed`,
        buyHold: { ...o.backtest.buyHold },
        equity: { dates: c.daily.map((d) => d.date), candidate: c.daily.map((d) => d.strategy), buyHold: c.daily.map((d) => d.buyHold) },
        roc: { candidate: detail.candidate.roc },
        decision,
        evidence,
        settings: {
          threshold: config.backtest.threshold,
          costBps: config.backtest.costBps,
          labelHorizon: config.labelHorizon,
          alpha: config.criteria.alpha,
          policy: config.criteria.policy,
          tolerance: config.criteria.tolerance,
          primaryMetric: config.criteria.primaryMetric,
        },
        dataWindow: {
          start: o.data.start,
          end: o.data.end,
          trainEnd: detail.holdout.trainEnd,
          holdoutStart: detail.holdout.start,
          holdoutEnd: detail.holdout.end,
        },
        dataSource: { name: o.data.source, synthetic: o.data.synthetic, tickers: o.data.tickers.map((t) => t.ticker) },
      });
      const stored = await publishReport(deps, paths);
      deps.logger.info(
        {
          module: 'validate',
          fn: 'writeValidationReport',
          pipelineId: o.pipelineId,
          version: o.version,
          decision: decision.decision,
          accuracy: o.backtest.candidate.metrics.accuracy,
        },
        `validation of ${o.version}: ${decision.decision}`,
      );
      return {
        version: o.version,
        decision: decision.decision,
        failed: decision.failed,
        report: stored,
        evidence: summariseEvidence(evidence),
        holdout: { start: detail.holdout.start, end: detail.holdout.end, rows: o.backtest.holdoutRows },
      };
    },
  };
}
