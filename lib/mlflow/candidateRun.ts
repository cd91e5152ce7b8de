import type { PipelineConfig } from '../config/pipeline';
import type { BacktestRef, CandidateRef, DataRef, FeatureSetRef } from '../pipeline/types';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';
import { evidenceMetrics, type CandidateTracking } from './tracking';

/** Local copies of the files an MLflow run of a candidate carries. */
export interface CandidateRunFiles {
  model: string;
  onnx: string;
  featureSchema: string;
  report: { markdown: string; html: string; json: string };
}

/**
 * What MLflow records about a compared candidate: the run's params (engine parameters and the
 * settings that shape the holdout), metrics (cv, holdout, trading, evidence), tags and artifacts.
 * Pure: the activity opens the client and sends it (lib/mlflow/tracking trackCandidate).
 */
export function candidateRun(o: {
  pipelineId: string;
  version: string;
  decision: string;
  settings: Pick<PipelineConfig, 'modelName' | 'holdout' | 'labelHorizon' | 'force' | 'skipValidation'>;
  data: DataRef;
  features: FeatureSetRef;
  candidate: CandidateRef;
  backtest: BacktestRef;
  evidence: HoldoutEvidence;
  files: CandidateRunFiles;
}): CandidateTracking {
  const prefixed = (prefix: string, m: object) =>
    Object.fromEntries(Object.entries(m as Record<string, number>).map(([k, v]) => [`${prefix}_${k}`, v]));
  return {
    modelName: o.settings.modelName,
    workflowId: o.pipelineId,
    version: o.version,
    params: {
      model_type: o.candidate.modelType,
      ...o.candidate.params,
      holdout: o.settings.holdout,
      label_horizon: o.settings.labelHorizon,
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
      ...(o.settings.force || o.settings.skipValidation ? { 'trainctl.forced': 'true' } : {}),
    },
    artifacts: [
      { path: o.files.model, artifactPath: 'model/model.json' },
      { path: o.files.onnx, artifactPath: 'model/model.onnx' },
      { path: o.files.featureSchema, artifactPath: 'model/feature_schema.json' },
      { path: o.files.report.markdown, artifactPath: 'report/model_comparison.md' },
      { path: o.files.report.html, artifactPath: 'report/model_comparison.html' },
      { path: o.files.report.json, artifactPath: 'report/model_comparison.json' },
    ],
  };
}
