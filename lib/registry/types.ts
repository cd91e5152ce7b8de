/**
 * The registry's public shapes. Backend-neutral: nothing here says "local disk", so an MLflow-backed
 * registry can implement `ModelRegistry` with the same types (files come back as a location string
 * that is an absolute path for the local backend and may be a URI elsewhere).
 */

export const STAGES = ['staging', 'production', 'archived', 'superseded', 'rejected', 'expired'] as const;
export type Stage = (typeof STAGES)[number];

export type BumpKind = 'major' | 'minor' | 'patch';

/** What the pipeline knows about a candidate; stored verbatim in metadata.json. */
export interface CandidateInfo {
  modelType: string;
  params: Record<string, unknown>;
  /** Feature names/dtypes as built; the caller's `schemaHash` is the hash of this. */
  featureSchema: unknown;
  dataSource: { source: string; window: { start: string; end: string }; tickers?: string[] };
  rawDataHash: string;
  featureSetHash: string;
  /** Headline holdout metrics (accuracy, f1 …); shown by `list()`. */
  metrics: Record<string, number>;
  codeVersion: string;
  /** Anything else worth keeping with the model (backtest summary, xgboost version …). */
  extra?: Record<string, unknown>;
}

export interface RegisterInput {
  /** The workflow ID: the idempotency key. Same runId twice → same version, nothing duplicated. */
  runId: string;
  artifacts: { modelJson: string; onnx: string; extra?: Record<string, string> };
  metadata: CandidateInfo;
  schemaHash: string;
  /** Label definition (e.g. horizon + threshold); a change forces a major version. */
  labelDefinition: unknown;
  /** A manual re-registration of an existing model: patch bump instead of minor. */
  manual?: boolean;
  by?: string;
}

export interface RegisterResult {
  version: string;
  created: boolean;
  bump: BumpKind | 'initial';
  /** The staging version this one replaced (now 'superseded'). */
  superseded: string | null;
}

export interface StageChange {
  stage: Stage;
  at: string;
  by: string;
  reason: string;
  runId: string | null;
}

export interface ModelFile {
  name: string;
  /** Absolute path for the local backend; a URI for remote backends. */
  location: string;
  sha256: string;
  bytes: number;
}

export interface ModelMetadata extends CandidateInfo {
  version: string;
  createdAt: string;
  runId: string;
  schemaHash: string;
  labelDefinition: unknown;
  labelHash: string;
  bump: BumpKind | 'initial';
  manual: boolean;
  /** File name → SHA-256 and size, for every file in the version folder except metadata.json. */
  files: Record<string, { sha256: string; bytes: number }>;
  stage: Stage;
  stageHistory: StageChange[];
}

export interface ModelEntry {
  version: string;
  stage: Stage;
  metadata: ModelMetadata;
  files: Record<string, ModelFile>;
  modelJson: string;
  onnx: string;
}

export interface ModelSummary {
  version: string;
  stage: Stage;
  createdAt: string;
  modelType: string;
  runId: string;
  metrics: Record<string, number>;
}

export interface PromoteInput {
  version: string;
  by: string;
  reason: string;
  runId: string;
}

export interface PromoteResult {
  /** Former production version (now 'archived'); null for the first model. */
  from: string | null;
  to: string;
}

export interface RejectInput {
  version: string;
  by: string;
  reason: string;
  runId: string;
  stage?: 'rejected' | 'expired';
}

export interface RollbackInput {
  /** A version or 'previous' (the model that was production before the current one). */
  to: string;
  by: string;
  reason: string;
  /** Idempotency key for retried callers: a retry returns the first result instead of toggling again. */
  runId?: string;
}

export interface RollbackResult {
  from: string | null;
  to: string;
  /** Wall time of the rollback, including lock wait and checksum verification. */
  ms: number;
}

export interface RetentionPolicy {
  /** Keep the N newest archived versions (production and staging are always kept). */
  keep?: number;
  /** Remove non-live versions older than this. */
  maxAgeDays?: number;
}

export interface PruneResult {
  removed: string[];
}

export type AuditAction = 'register' | 'promote' | 'reject' | 'expire' | 'rollback' | 'prune';

export interface AuditEntry {
  seq: number;
  at: string;
  action: AuditAction;
  version: string;
  fromStage: Stage | null;
  toStage: Stage | null;
  /** Production before/after, for promote and rollback. */
  from?: string | null;
  to?: string | null;
  /** Staging version displaced by a registration. */
  superseded?: string | null;
  by: string;
  reason: string;
  runId: string | null;
}

export interface VerifyProblem {
  version: string | null;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  checked: string[];
  problems: VerifyProblem[];
  /** Not errors: e.g. files in a version folder that no commit references (left by a crash). */
  warnings: VerifyProblem[];
}

export interface ModelRegistry {
  registerCandidate(input: RegisterInput): Promise<RegisterResult>;
  attachFiles(version: string, files: Record<string, string>): Promise<ModelEntry>;
  promote(input: PromoteInput): Promise<PromoteResult>;
  reject(input: RejectInput): Promise<{ version: string; stage: Stage }>;
  rollback(input: RollbackInput): Promise<RollbackResult>;
  list(): Promise<ModelSummary[]>;
  get(version: string): Promise<ModelEntry>;
  production(): Promise<ModelEntry | null>;
  staging(): Promise<ModelEntry | null>;
  verify(version?: string): Promise<VerifyReport>;
  prune(policy?: RetentionPolicy): Promise<PruneResult>;
  audit(): Promise<AuditEntry[]>;
}
