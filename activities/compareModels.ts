import { dirname, join } from 'node:path';
import { modelLinePaths } from '../lib/config/paths';
import type { PipelineConfig } from '../lib/config/pipeline';
import { evidenceMetrics, mlflowFromEnv, trackCandidate } from '../lib/mlflow';
import type { HoldoutEvidence } from '../lib/stats';
import { writeComparisonReport } from '../lib/report';
import { sha256, writeJsonAtomic } from '../lib/util';
import { comparisonSummary, evaluatePromotion, evidenceFor, forcedMark, searchTrials, summariseEvidence } from '../lib/validation';
import type { BacktestRef, BudgetStatus, CandidateRef, ComparisonRef, DataRef, FeatureSetRef } from '../lib/pipeline/types';
import type { BacktestDetail } from '../lib/backtest';
import { backtestDetailSchema } from '../lib/backtest/detail';
import { DataError } from '../lib/util/errors';
import { readJsonFile } from '../lib/util/jsonFile';
import { readWarmStartReport } from '../lib/engine';
import { modelFeatureSettings } from '../lib/features/modelFeatures';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';
import { stableNow } from './heartbeat';
import { displayLocation, localFile, publish } from './storeFiles';

export interface CompareModelsInput {
  pipelineId: string;
  config: PipelineConfig;
  data: DataRef;
  features: FeatureSetRef;
  candidate: CandidateRef;
  backtest: BacktestRef;
  /** Time spent so far against the pipeline's budget (absent in runs from before the budget). */
  budget?: BudgetStatus;
  /**
   * A dry run: nothing is registered (the staging pointer, which serving scores in shadow, stays
   * put; no MLflow model version) and the report goes to reports/<model>/dry-run/<pipelineId>/.
   * Set by the workflow (runs from before this flag registered their dry-run candidates).
   */
  dryRun?: boolean;
}

/** The version a dry run's candidate is reported under: it never gets a registry version. */
export const DRY_RUN_VERSION = 'dry-run';

export const CODE_VERSION = 'trainctl-0.1.0';

/**
 * Decide PROMOTE/REJECT against the criteria, register the candidate (staging, idempotent per
 * run) and write the comparison report under reports/<version>/ and into the version's folder.
 */
export function compareModelsActivity(deps: ActivityDeps) {
  return async function compareModels({
    pipelineId,
    config,
    data,
    features,
    candidate,
    backtest,
    budget,
    dryRun,
  }: CompareModelsInput): Promise<ComparisonRef> {
    const warmStart = await readWarmStartOf(deps, candidate);
    const detail = (await readJsonFile({
      path: await localFile(deps, backtest.result),
      schema: backtestDetailSchema,
      error: DataError,
    })) as BacktestDetail;
    const evidence = evidenceFor({
      detail,
      labelHorizon: config.labelHorizon,
      seed: config.seed,
      alpha: config.criteria.alpha,
      trials: searchTrials({ paramsSource: candidate.paramsSource, trials: config.trials }),
    });
    // --force skips the comparison with production (the convention's "force promotion").
    const decision = evaluatePromotion({
      candidate: backtest.candidate.metrics,
      production: config.force ? null : (backtest.production?.metrics ?? null),
      criteria: config.criteria,
      evidence,
    });
    const forced = forcedMark({ force: config.force, skipValidation: config.skipValidation, decision });
    const evidenceSummary = summariseEvidence(evidence);
    const registry = await registryFor(deps, config.modelName);
    const register = async () =>
      registry.registerCandidate({
        // The registry's idempotency key (stored as runId in its files): the pipeline ID.
        runId: pipelineId,
        // Verified local copies: the registry copies them into its own folder of the store.
        artifacts: {
          modelJson: await localFile(deps, candidate.model),
          onnx: await localFile(deps, candidate.onnx),
          extra: { 'reference_profile.json': await localFile(deps, candidate.profile) },
        },
        schemaHash: features.schemaHash,
        labelDefinition: { horizon: config.labelHorizon, threshold: config.labelThreshold },
        metadata: {
          modelType: candidate.modelType,
          params: {
            ...candidate.params,
            paramsSource: candidate.paramsSource,
            bestIteration: candidate.bestIteration,
            rounds: candidate.rounds,
          },
          featureSchema: { names: features.featureNames, schemaHash: features.schemaHash },
          dataSource: { source: data.source, window: { start: data.start, end: data.end }, tickers: data.tickers.map((t) => t.ticker) },
          rawDataHash: sha256(data.tickers.map((t) => t.sha256).join(',')),
          featureSetHash: features.sha256,
          metrics: {
            ...backtest.candidate.metrics,
            sharpe: backtest.candidate.trading.sharpe,
            totalReturn: backtest.candidate.trading.totalReturn,
          },
          codeVersion: CODE_VERSION,
          extra: {
            synthetic: data.synthetic,
            holdout: candidate.holdoutWindow,
            trainWindow: candidate.trainWindow,
            cv: candidate.cv,
            engine: candidate.engine,
            engineVersion: candidate.engineVersion,
            xgboostVersion: candidate.xgboostVersion,
            decision: decision.decision,
            failedCriteria: decision.failed,
            evidence: evidenceSummary,
            features: modelFeatureSettings(config),
            // Every setting of the run, so a drift- or performance-triggered retrain repeats it exactly.
            trainingConfig: config,
            ...(warmStart ? { warmStart } : {}),
            ...(forced ? { forced } : {}),
          },
        },
      });
    const version = dryRun ? DRY_RUN_VERSION : (await register()).version;
    const c = detail.candidate.backtest;
    const reportsDir = modelLinePaths(deps.paths, config.modelName).reportsDir;
    const paths = await writeComparisonReport({
      dir: dryRun ? join(reportsDir, DRY_RUN_VERSION, pipelineId) : join(reportsDir, version),
      version,
      pipelineId,
      // When compare was scheduled: a retried compare writes the same report bytes (the registry keeps their SHA-256).
      generatedAt: stableNow(deps.now).toISOString(),
      candidate: {
        version,
        modelType: candidate.modelType,
        engine: `${candidate.engine} ${candidate.engineVersion}`,
        metrics: { ...backtest.candidate.metrics },
        trading: { ...backtest.candidate.trading },
      },
      production: backtest.production
        ? { version: backtest.production.version, metrics: { ...backtest.production.metrics }, trading: { ...backtest.production.trading } }
        : null,
      productionNote: backtest.productionNote,
      buyHold: { ...backtest.buyHold },
      equity: {
        dates: c.daily.map((d) => d.date),
        candidate: c.daily.map((d) => d.strategy),
        production: detail.production?.backtest.daily.map((d) => d.strategy),
        buyHold: c.daily.map((d) => d.buyHold),
      },
      roc: { candidate: detail.candidate.roc, production: detail.production?.roc },
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
        start: data.start,
        end: data.end,
        trainEnd: detail.holdout.trainEnd,
        holdoutStart: detail.holdout.start,
        holdoutEnd: detail.holdout.end,
      },
      dataSource: { name: data.source, synthetic: data.synthetic, tickers: data.tickers.map((t) => t.ticker) },
      schemaChanged: backtest.schemaChanged,
      forced,
      budget,
      ...(warmStart ? { warmStart } : {}),
    });
    // Published like every other stage's files, so any worker or person can open them from the store.
    const reportRefs = {
      markdown: await publish(deps, paths.markdown),
      html: await publish(deps, paths.html),
      json: await publish(deps, paths.json),
    };
    if (!dryRun)
      await registry.attachFiles(version, {
        'model_comparison.md': paths.markdown,
        'model_comparison.html': paths.html,
        'model_comparison.json': paths.json,
      });
    const tracking = dryRun
      ? undefined
      : await trackInMlflow(deps, {
          pipelineId,
          config,
          data,
          features,
          candidate,
          backtest,
          version,
          decision: decision.decision,
          evidence,
          reportPaths: paths,
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

/** MLflow when MLFLOW_TRACKING_URI is set; a failure is reported and the run continues locally. */
async function trackInMlflow(
  deps: ActivityDeps,
  o: CompareModelsInput & {
    version: string;
    decision: string;
    evidence: HoldoutEvidence;
    reportPaths: { markdown: string; html: string; json: string };
  },
): Promise<ComparisonRef['tracking']> {
  const client = mlflowFromEnv(deps.env, { fetch: deps.fetch });
  if (!client) return undefined;
  const schemaPath = join(deps.paths.runsDir, o.pipelineId, 'candidate', 'feature_schema.json');
  await writeJsonAtomic(schemaPath, { names: o.features.featureNames, schemaHash: o.features.schemaHash });
  const prefixed = (prefix: string, m: object) =>
    Object.fromEntries(Object.entries(m as Record<string, number>).map(([k, v]) => [`${prefix}_${k}`, v]));
  const outcome = await trackCandidate(client, {
    modelName: o.config.modelName,
    workflowId: o.pipelineId,
    version: o.version,
    params: {
      model_type: o.candidate.modelType,
      ...o.candidate.params,
      holdout: o.config.holdout,
      label_horizon: o.config.labelHorizon,
      tickers: o.data.tickers.map((t) => t.ticker).join(','),
      source: o.data.source,
    },
    metrics: {
      n_samples: o.candidate.trainRows,
      n_features: o.features.featureNames.length,
      ...prefixed('cv', o.candidate.cv),
      ...prefixed('holdout', o.backtest.candidate.metrics),
      ...prefixed('trading', o.backtest.candidate.trading),
      ...evidenceMetrics(o.evidence),
    },
    tags: {
      'trainctl.engine': `${o.candidate.engine} ${o.candidate.engineVersion}`,
      'trainctl.data_start': o.data.start,
      'trainctl.data_end': o.data.end,
      'trainctl.synthetic': String(o.data.synthetic),
      'trainctl.decision': o.decision,
      ...(o.config.force || o.config.skipValidation ? { 'trainctl.forced': 'true' } : {}),
    },
    artifacts: [
      { path: await localFile(deps, o.candidate.model), artifactPath: 'model/model.json' },
      { path: await localFile(deps, o.candidate.onnx), artifactPath: 'model/model.onnx' },
      { path: schemaPath, artifactPath: 'model/feature_schema.json' },
      { path: o.reportPaths.markdown, artifactPath: 'report/model_comparison.md' },
      { path: o.reportPaths.html, artifactPath: 'report/model_comparison.html' },
      { path: o.reportPaths.json, artifactPath: 'report/model_comparison.json' },
    ],
  });
  if (!outcome.ok)
    deps.logger.warn(
      { module: 'mlflow', pipelineId: o.pipelineId, error: outcome.error },
      'MLflow tracking failed; the run continues with the local registry',
    );
  return outcome.ok
    ? { ok: true, mlflowRunId: outcome.value!.runId, modelVersion: outcome.value!.modelVersion }
    : { ok: false, error: outcome.error };
}

/** The warm-start report trainModel published (runs from before refs kept it beside the model, in `dir`). */
async function readWarmStartOf(deps: ActivityDeps, candidate: CandidateRef & { dir?: string }) {
  if (candidate.warmStart) return readWarmStartReport(dirname(await localFile(deps, candidate.warmStart)));
  return candidate.dir ? readWarmStartReport(candidate.dir) : undefined;
}
