import type { BacktestDetail } from '../backtest';
import type { PipelineConfig } from '../config/pipeline';
import type { WarmStartReport } from '../engine/fullRetrainComparison';
import type { BacktestRef, BudgetStatus, CandidateRef, DataRef } from '../pipeline/types';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';
import type { ForcedMark, PromotionDecision } from '../validation';
import type { ComparisonReportInput } from './comparisonReport';

export type ComparisonReportSettings = Pick<PipelineConfig, 'backtest' | 'labelHorizon' | 'criteria'>;

/**
 * The comparison report's content from the compare stage's inputs and decision: the candidate and
 * production side by side, the equity and ROC curves from the backtest detail, the settings that
 * shaped the decision. Pure: writeComparisonReport writes it.
 */
export function comparisonReportInput(o: {
  dir: string;
  version: string;
  pipelineId: string;
  generatedAt: string;
  settings: ComparisonReportSettings;
  data: DataRef;
  candidate: CandidateRef;
  backtest: BacktestRef;
  detail: BacktestDetail;
  decision: PromotionDecision;
  evidence: HoldoutEvidence;
  forced?: ForcedMark;
  budget?: BudgetStatus;
  warmStart?: WarmStartReport;
}): ComparisonReportInput {
  const { backtest, candidate, data, detail, settings } = o;
  const c = detail.candidate.backtest;
  return {
    dir: o.dir,
    version: o.version,
    pipelineId: o.pipelineId,
    generatedAt: o.generatedAt,
    candidate: {
      version: o.version,
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
    decision: o.decision,
    evidence: o.evidence,
    settings: {
      threshold: settings.backtest.threshold,
      costBps: settings.backtest.costBps,
      labelHorizon: settings.labelHorizon,
      alpha: settings.criteria.alpha,
      policy: settings.criteria.policy,
      tolerance: settings.criteria.tolerance,
      primaryMetric: settings.criteria.primaryMetric,
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
    forced: o.forced,
    budget: o.budget,
    ...(o.warmStart ? { warmStart: o.warmStart } : {}),
  };
}
