import type { PipelineConfig } from '../lib/config/pipeline';
import type { CompareSettings } from '../lib/config/stageSettings';
import { modelFeatureSettings } from '../lib/features/modelFeatures';
import type { WarmStartReport } from '../lib/engine/fullRetrainComparison';
import type { BacktestRef, CandidateRef, DataRef, FeatureSetRef } from '../lib/pipeline/types';
import type { RegisterInput } from '../lib/registry';
import { sha256 } from '../lib/util';
import type { EvidenceSummary, ForcedMark, PromotionDecision } from '../lib/validation';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';
import { localFile } from './storeFiles';

export const CODE_VERSION = 'trainctl-0.1.0';

export interface CandidateRegistration {
  pipelineId: string;
  settings: Pick<CompareSettings, 'modelName' | 'labelHorizon' | 'labelThreshold' | 'candlestickPatterns' | 'signals' | 'signalLagDays'>;
  /** Every setting of the run, recorded so a drift- or performance-triggered retrain repeats it exactly. */
  trainingConfig: PipelineConfig;
  data: DataRef;
  features: FeatureSetRef;
  candidate: CandidateRef;
  backtest: BacktestRef;
  decision: PromotionDecision;
  evidenceSummary: EvidenceSummary;
  forced?: ForcedMark;
  warmStart?: WarmStartReport;
}

/** The registry's record of a compared candidate (everything but the artefact files). Pure. */
export function candidateRegistration(o: CandidateRegistration): Omit<RegisterInput, 'artifacts'> {
  const { data, features, candidate, backtest } = o;
  return {
    // The registry's idempotency key (stored as runId in its files): the pipeline ID.
    runId: o.pipelineId,
    schemaHash: features.schemaHash,
    labelDefinition: { horizon: o.settings.labelHorizon, threshold: o.settings.labelThreshold },
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
        decision: o.decision.decision,
        failedCriteria: o.decision.failed,
        evidence: o.evidenceSummary,
        features: modelFeatureSettings(o.settings),
        trainingConfig: o.trainingConfig,
        ...(o.warmStart ? { warmStart: o.warmStart } : {}),
        ...(o.forced ? { forced: o.forced } : {}),
      },
    },
  };
}

/** Register the candidate in its model line as staging (idempotent per pipeline ID); its version. */
export async function registerComparedCandidate(deps: ActivityDeps, o: CandidateRegistration): Promise<string> {
  const registry = await registryFor(deps, o.settings.modelName);
  const registered = await registry.registerCandidate({
    ...candidateRegistration(o),
    // Verified local copies: the registry copies them into its own folder of the store.
    artifacts: {
      modelJson: await localFile(deps, o.candidate.model),
      onnx: await localFile(deps, o.candidate.onnx),
      extra: { 'reference_profile.json': await localFile(deps, o.candidate.profile) },
    },
  });
  return registered.version;
}
