import type { ModelType } from '../config/pipeline';
import type { ExportOptions } from '../onnx/export';
import type { SearchSpace } from '../hyperopt';
import type { Dataset, Matrix } from '../xgboost/types';
import type { Hyperparams, EngineName, EngineSearchSpaceConfig } from './searchSpace';

export interface EngineTrainOptions {
  train: Dataset;
  /** Early stopping watches logloss on this set. */
  valid?: Dataset;
  modelType: ModelType;
  params?: Partial<Hyperparams>;
  earlyStoppingRounds?: number;
  seed?: number;
  nthread?: number;
  onRound?: (info: { round: number; total: number; evals: Record<string, number> }) => void | Promise<void>;
  signal?: AbortSignal;
  /**
   * Warm start: continue boosting from this model (the engine's own file, as `nativeModel()` gave
   * it) for up to `nEstimators` more rounds. Engines that cannot continue refuse with a ConfigError.
   */
  initModel?: { fileName: string; content: Uint8Array };
  /**
   * The same key means the same training rows (a search's fold): an engine may keep what it built
   * from them for the next training with the key (XGBoost keeps the DMatrix and its histograms).
   */
  trainMatrixKey?: string;
}

/** A trained model of either engine, holding native memory until `dispose()`. */
export interface TrainedModel {
  readonly engine: EngineName;
  readonly bestIteration: number;
  readonly rounds: number;
  /** Rounds taken over from `initModel` (0 when trained from scratch). */
  readonly baseRounds: number;
  /** P(up) per row. */
  predict(X: Matrix): Promise<ArrayLike<number>>;
  /** The engine's own model file: XGBoost JSON, LightGBM text. */
  nativeModel(): { fileName: string; content: string };
  exportOnnx(options: ExportOptions): Uint8Array;
  /** Total gain per feature name. */
  featureImportance(): Record<string, number>;
  dispose(): void;
}

/** What the pipeline, the search and the benchmark need from a boosting library. */
export interface Engine {
  readonly name: EngineName;
  /** The loaded library's version (e.g. "3.2.0", "4.7.0"). */
  version(): string;
  defaultHyperparams(modelType: ModelType): Hyperparams;
  searchSpace(config?: EngineSearchSpaceConfig): SearchSpace;
  /**
   * Parameters from a file a person may edit (best_hyperparameters.json) over the defaults;
   * undefined when they name parameters of another engine.
   */
  hyperparamsFrom(modelType: ModelType, params: Record<string, unknown>): Hyperparams | undefined;
  train(options: EngineTrainOptions): Promise<TrainedModel>;
}
