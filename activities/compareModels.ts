import { dirname } from 'node:path';
import type { PipelineConfig } from '../lib/config/pipeline';
import { checkStageSettings, type CompareSettings } from '../lib/config/stageSettings';
import type { BacktestDetail } from '../lib/backtest';
import { backtestDetailSchema } from '../lib/backtest/detail';
import { readWarmStartReport } from '../lib/engine';
import type { BacktestRef, BudgetStatus, CandidateRef, ComparisonRef, DataRef, FeatureSetRef } from '../lib/pipeline/types';
import { DataError } from '../lib/util/errors';
import { readJsonFile } from '../lib/util/jsonFile';
import { comparisonSummary, decideComparison } from '../lib/validation';
import { DRY_RUN_VERSION, writeComparisonFiles } from './comparisonReport';
import type { ActivityDeps } from './deps';
import { stableNow } from './heartbeat';
import { registerComparedCandidate } from './registerCandidate';
import { displayLocation, localFile } from './storeFiles';
import { trackComparison } from './trackComparison';

export { DRY_RUN_VERSION } from './comparisonReport';
export { CODE_VERSION } from './registerCandidate';

export interface CompareModelsInput {
  pipelineId: string;
  settings: CompareSettings;
  /** Every setting of the run, recorded with the registered version so a retrain repeats it exactly. */
  trainingConfig: PipelineConfig;
  data: DataRef;
  features: FeatureSetRef;
  candidate: CandidateRef;
  backtest: BacktestRef;
  /** Time spent so far against the pipeline's budget (absent when called outside a pipeline run). */
  budget?: BudgetStatus;
  /**
   * A dry run: nothing is registered (the staging pointer, which serving scores in shadow, stays
   * put; no MLflow model version) and the report goes to reports/<model>/dry-run/<pipelineId>/.
   */
  dryRun?: boolean;
}

/**
 * The compare stage, one activity in the order the pipeline has always run it: decide PROMOTE or
 * REJECT (lib/validation decideComparison), register the candidate as staging (idempotent per
 * run), write and publish the comparison report, track it in MLflow, and summarise.
 */
export function compareModelsActivity(deps: ActivityDeps) {
  return async function compareModels(input: CompareModelsInput): Promise<ComparisonRef> {
    const { pipelineId, data, features, candidate, backtest, budget, dryRun } = input;
    const settings = checkStageSettings('compare', input.settings);
    const warmStart = await readWarmStartOf(deps, candidate);
    const detail = (await readJsonFile({
      path: await localFile(deps, backtest.result),
      schema: backtestDetailSchema,
      error: DataError,
    })) as BacktestDetail;
    const { evidence, evidenceSummary, decision, forced } = decideComparison({
      detail,
      candidate: backtest.candidate.metrics,
      production: backtest.production?.metrics ?? null,
      paramsSource: candidate.paramsSource,
      settings,
    });
    const version = dryRun
      ? DRY_RUN_VERSION
      : await registerComparedCandidate(deps, {
          pipelineId,
          settings,
          trainingConfig: input.trainingConfig,
          data,
          features,
          candidate,
          backtest,
          decision,
          evidenceSummary,
          ...(forced ? { forced } : {}),
          ...(warmStart ? { warmStart } : {}),
        });
    const report = await writeComparisonFiles(deps, {
      modelName: settings.modelName,
      dryRun: dryRun === true,
      content: {
        version,
        pipelineId,
        // When compare was scheduled: a retried compare writes the same report bytes (the registry keeps their SHA-256).
        generatedAt: stableNow(deps.now).toISOString(),
        settings,
        data,
        candidate,
        backtest,
        detail,
        decision,
        evidence,
        forced,
        budget,
        ...(warmStart ? { warmStart } : {}),
      },
    });
    const tracking = dryRun
      ? undefined
      : await trackComparison(deps, {
          pipelineId,
          version,
          decision: decision.decision,
          settings,
          data,
          features,
          candidate,
          backtest,
          evidence,
          reportPaths: { markdown: report.paths.markdown, html: report.paths.html, json: report.paths.json },
        });
    const summary = comparisonSummary({
      version,
      modelType: candidate.modelType,
      synthetic: data.synthetic,
      productionVersion: backtest.production?.version ?? null,
      holdout: { start: detail.holdout.start, end: detail.holdout.end, rows: backtest.holdoutRows },
      metrics: backtest.candidate.metrics,
      evidence,
      decision,
    });
    const reportRefs = report.refs;
    deps.logger.info(
      { module: 'compare', pipelineId, version, decision: decision.decision, failed: decision.failed, report: reportRefs.html.uri },
      `candidate ${version}: ${decision.decision}`,
    );
    return {
      version,
      decision: decision.decision,
      failed: decision.failed,
      criteria: decision.criteria,
      firstModel: decision.firstModel,
      report: {
        markdown: displayLocation(reportRefs.markdown),
        html: displayLocation(reportRefs.html),
        json: displayLocation(reportRefs.json),
      },
      reportRefs,
      summary: forced ? `${forced.note}\n${summary}` : summary,
      evidence: evidenceSummary,
      ...(forced ? { forced } : {}),
      ...(tracking ? { tracking } : {}),
    };
  };
}

/** The warm-start report trainModel published, if it warm-started. */
async function readWarmStartOf(deps: ActivityDeps, candidate: CandidateRef) {
  return candidate.warmStart ? readWarmStartReport(dirname(await localFile(deps, candidate.warmStart))) : undefined;
}
