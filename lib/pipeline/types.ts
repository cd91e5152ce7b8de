/**
 * The small, serialisable shapes that travel through Temporal: references to objects in the
 * artefact store (URI + SHA-256 + size, checked on every read, so any worker on any host can use
 * them) and summaries of metrics. Never datasets, model bytes or local paths.
 *
 * Owned by neither layer: workflows pass these between activities and activities return them,
 * so both import them from here (workflows/types.ts re-exports this file). Plain TypeScript,
 * no Temporal imports.
 */
import type { TradingMetrics } from '../backtest/backtest';
import type { PipelineConfig } from '../config/pipeline';
import type { MetricSummary } from '../evaluation/metrics';
import type { CriterionResult } from '../validation/criteria';
import type { EvidenceSummary } from '../validation/evidenceSummary';
import type { ForcedMark } from '../validation/forced';
import type { EngineName, Hyperparams } from '../engine/searchSpace';
import type { StoreRef } from '../store/types';

export type { CriterionResult, EvidenceSummary, Hyperparams };

export type Outcome = 'running' | 'awaiting_approval' | 'promoted' | 'rejected' | 'expired' | 'failed' | 'skipped' | 'cancelled';

export const STAGES = ['fetch', 'features', 'optimize', 'train', 'backtest', 'compare', 'approval', 'promote', 'deploy'] as const;
export type StageName = (typeof STAGES)[number];
export type StageState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

/** An object in the artefact store (lib/store): `file://…` for the local default, `s3://…` in a bucket. */
export type FileRef = StoreRef;

export interface TickerDataRef extends FileRef {
  ticker: string;
  rows: number;
  start: string;
  end: string;
}

export interface DataRef {
  source: string;
  synthetic: boolean;
  tickers: TickerDataRef[];
  failed: { ticker: string; error: string }[];
  warnings: string[];
  start: string;
  end: string;
}

export interface FeatureSetRef extends FileRef {
  rows: number;
  labelledRows: number;
  featureNames: string[];
  schemaHash: string;
  cacheHit: boolean;
  classBalance: { positive: number; negative: number; positiveRate: number };
  start: string;
  end: string;
}

export interface CandidateRef {
  model: FileRef;
  onnx: FileRef;
  /** Training-window feature and prediction distributions, the reference for drift checks. */
  profile: FileRef;
  /** Gain per feature (kept beside the model, not read by later stages). */
  importance?: FileRef;
  /** --warm-start: the warm-start (and --compare-full) report for the comparison. */
  warmStart?: FileRef;
  modelType: PipelineConfig['modelType'];
  params: Hyperparams;
  paramsSource: 'default' | 'best_hyperparameters.json' | 'search';
  bestIteration: number;
  rounds: number;
  trainRows: number;
  trainWindow: { start: string; end: string };
  holdoutWindow: { start: string; end: string };
  cv: MetricSummary & { folds: number };
  /** The libxgboost version for XGBoost models; "none" for other engines (see engineVersion). */
  xgboostVersion: string;
  engine: EngineName;
  /** The version of the engine's library that trained the model. */
  engineVersion: string;
  schemaHash: string;
}

export interface ModelScore {
  version: string | null;
  metrics: MetricSummary;
  trading: TradingMetrics;
}

export interface BacktestRef {
  result: FileRef;
  holdoutRows: number;
  candidate: ModelScore;
  production: ModelScore | null;
  productionNote?: string;
  buyHold: TradingMetrics;
  schemaChanged: boolean;
}

export interface ComparisonRef {
  version: string;
  decision: 'PROMOTE' | 'REJECT';
  failed: string[];
  criteria: CriterionResult[];
  firstModel: boolean;
  /** Where a person opens the report: a local path for the project directory, else its URI. */
  report: { markdown: string; html: string; json: string };
  /** The same files as store references. */
  reportRefs?: { markdown: FileRef; html: FileRef; json: FileRef };
  /** A few lines for terminals and notifications. */
  summary: string;
  /** MLflow tracking, when MLFLOW_TRACKING_URI is set; a failure never stops the run. */
  tracking?: { ok: boolean; error?: string; mlflowRunId?: string; modelVersion?: string };
  /** Holdout intervals, skill test and paired comparison (lib/stats); the full evidence is in the report's JSON. */
  evidence?: EvidenceSummary;
  /** Set when --force or --skip-validation let the candidate reach the approval gate whatever the criteria said. */
  forced?: ForcedMark;
}

export type { ForcedMark };

/** The pipeline's time budget from start to the approval gate (--budget). */
export interface BudgetStatus {
  limit: string;
  limitMs: number;
  elapsedMs: number;
  overrun: boolean;
}

export interface ApprovalDecision {
  version: string;
  by: string;
  comment?: string;
}

export interface RefusedSignal extends ApprovalDecision {
  kind: 'approve' | 'reject';
  at: string;
  reason: string;
}

export interface StageStatus {
  name: StageName;
  state: StageState;
  startedAt?: string;
  finishedAt?: string;
  ms?: number;
  note?: string;
}

/** An activity past its first attempt: which attempt, of how many, and why the last one ended. */
export interface ActivityRetry {
  activity: string;
  attempt: number;
  /** Absent when the retry policy sets no limit. */
  maximumAttempts?: number;
  lastFailure?: string;
}

export interface PipelineStatus {
  /** What `status`, `approve` and `reject` take: the model line's workflow ID. */
  workflowId: string;
  pipelineId: string;
  modelName: string;
  trigger: PipelineConfig['trigger'];
  outcome: Outcome;
  stage: StageName | 'done';
  stages: StageStatus[];
  synthetic?: boolean;
  dataWindow?: { start: string; end: string };
  featureSet?: { rows: number; features: number; cacheHit: boolean };
  cv?: MetricSummary & { folds: number };
  candidate?: ModelScore;
  production?: ModelScore | null;
  buyHold?: TradingMetrics;
  candidateVersion?: string;
  decision?: 'PROMOTE' | 'REJECT';
  failedCriteria?: string[];
  report?: ComparisonRef['report'];
  summary?: string;
  tracking?: ComparisonRef['tracking'];
  /** Copied from the compare stage: intervals and p-values for `status` and `--json`. */
  evidence?: EvidenceSummary;
  forced?: ForcedMark;
  budget?: BudgetStatus;
  approval?: {
    deadline: string;
    decision?: ApprovalDecision & { kind: 'approve' | 'reject'; at: string };
  };
  /** Approve/reject signals that were refused (wrong version, not an approver, no gate open, already decided). */
  refusedSignals: RefusedSignal[];
  promotedFrom?: string | null;
  /** Live evidence at the gate: the candidate's shadow predictions vs production on the same matured rows. */
  shadowEvidence?: ShadowEvidenceStatus;
  /** Shadow predictions of the candidate so far (filled in by `trainctl status` from the prediction log while the run awaits approval). */
  shadow?: { total: number; requests: number; batch: number };
  /** Activities the server is retrying right now (read by the client from the run's pending activities). */
  retries?: ActivityRetry[];
  /** The deploy stage: every serving instance answers with the promoted version (or the run failed and production was rolled back). */
  deploy?: DeployStatus;
  reason?: string;
  error?: { stage: StageName; message: string; type: string };
}

export interface PipelineInput {
  config: PipelineConfig;
}

export interface DeployStatus {
  version: string;
  /** No serving instances are configured: nothing to wait for. */
  skipped: boolean;
  instances: number;
  /** From the approval to "every instance serves it" (null when skipped or failed). */
  approvalToServingMs: number | null;
  /** Instances that did not switch before the deploy timeout. */
  notSwitched?: string[];
  /** Production after a failed deploy (the previous version), or null when there was none to return to. */
  rolledBackTo?: string | null;
}

export interface ShadowEvidenceStatus {
  /** `--min-shadow-days`: trading days of matured shadow predictions asked for before approval (0: none). */
  required: number;
  days: number;
  pairs: number;
  productionVersion: string | null;
  candidateAccuracy: number | null;
  productionAccuracy: number | null;
  /** Candidate − production accuracy on the paired rows, with its interval. */
  accuracyDifference: { estimate: number; low: number; high: number; level: number } | null;
  pValue: number | null;
  report: string | null;
  note: string | null;
  refreshedAt: string;
}
