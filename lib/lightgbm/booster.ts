import { readFile } from 'node:fs/promises';
import { ModelError } from '../util/errors';
import { LgbDataset, sanitize } from './dataset';
import { C_API, callAsync, check, loadLightGBM } from './library';
import { validateModelText } from './modelText';
import { paramString, type LgbParams } from './params';
import type { Matrix } from './types';

const finalizer = new FinalizationRegistry<unknown>((handle) => {
  loadLightGBM().LGBM_BoosterFree(handle);
});

/** A native LightGBM booster; `dispose()` frees it deterministically. */
export class LgbBooster {
  private handle: unknown;
  private validSets = 0;

  private constructor(
    handle: unknown,
    readonly featureNames: string[],
  ) {
    this.handle = handle;
    finalizer.register(this, handle, this);
  }

  /** Parameters are checked by LightGBM here: an unknown value is a ModelError with its message. */
  static async create(train: LgbDataset, params: LgbParams, featureNames: string[]): Promise<LgbBooster> {
    const out: unknown[] = [null];
    await callAsync(loadLightGBM().LGBM_BoosterCreate, 'booster creation', train.native, paramString(params), out);
    return new LgbBooster(out[0], featureNames);
  }

  /** Load a model saved by `toModelString()` (or Python's `save_model`): text or a file path. */
  static async load(source: { path: string } | { text: string }): Promise<LgbBooster> {
    let text: string;
    if ('path' in source) {
      try {
        text = await readFile(source.path, 'utf8');
      } catch (err) {
        throw new ModelError(`cannot read LightGBM model ${source.path}: ${(err as Error).message}`);
      }
    } else text = source.text;
    validateModelText(text, 'path' in source ? `LightGBM model ${source.path}` : 'the LightGBM model text');
    const iterations = [0];
    const out: unknown[] = [null];
    await callAsync(loadLightGBM().LGBM_BoosterLoadModelFromString, 'model load', text, iterations, out);
    return new LgbBooster(out[0], readFeatureNames(text));
  }

  get native(): unknown {
    if (this.handle === null) throw new Error('LgbBooster used after dispose()');
    return this.handle;
  }

  /**
   * Put `init`'s trees in front of this booster's (LGBM_BoosterMerge, as Python's Booster does for a
   * training set with an init model): the model then predicts the initial model plus the new rounds.
   * The data sets must start from `init`'s raw scores (`initScore`), or boosting fits the wrong residuals.
   */
  async merge(init: LgbBooster): Promise<void> {
    await callAsync(loadLightGBM().LGBM_BoosterMerge, 'merging the initial model', this.native, init.native);
  }

  addValidData(data: LgbDataset): number {
    check(loadLightGBM().LGBM_BoosterAddValidData(this.native, data.native), 'adding validation data');
    return ++this.validSets;
  }

  /** One boosting round, off the event loop; true when LightGBM cannot split any more. */
  async updateOneIter(): Promise<boolean> {
    const finished = [0];
    await callAsync(loadLightGBM().LGBM_BoosterUpdateOneIter, 'boosting round', this.native, finished);
    return finished[0] === 1;
  }

  /** The configured metrics on data set `index` (0 = training, 1… = validation sets in order added). */
  async evaluate(index: number): Promise<number[]> {
    const api = loadLightGBM();
    const count = [0];
    check(api.LGBM_BoosterGetEvalCounts(this.native, count), 'evaluation count');
    const values = new Float64Array(count[0]!);
    const len = [0];
    await callAsync(api.LGBM_BoosterGetEval, 'evaluation', this.native, index, len, values);
    return Array.from(values.subarray(0, len[0]));
  }

  currentIteration(): number {
    const out = [0];
    check(loadLightGBM().LGBM_BoosterGetCurrentIteration(this.native, out), 'current iteration');
    return out[0]!;
  }

  numFeatures(): number {
    const out = [0];
    check(loadLightGBM().LGBM_BoosterGetNumFeature(this.native, out), 'number of features');
    return out[0]!;
  }

  /** P(class 1) in double precision (`raw`: the margin), for the first `numIteration` rounds (0 = all). */
  async predict(X: Matrix, options: { numIteration?: number; raw?: boolean; nthread?: number } = {}): Promise<Float64Array> {
    if (X.data.length !== X.rows * X.cols) throw new RangeError(`matrix data has ${X.data.length} values, expected ${X.rows}×${X.cols}`);
    const n = this.numFeatures();
    if (X.cols !== n) throw new ModelError(`the model has ${n} features but the data has ${X.cols} columns`);
    const out = new Float64Array(X.rows);
    const len: (number | bigint)[] = [0];
    const type = options.raw ? C_API.PREDICT_RAW_SCORE : C_API.PREDICT_NORMAL;
    const param = `num_threads=${options.nthread ?? 1}`;
    await callAsync(
      loadLightGBM().LGBM_BoosterPredictForMat,
      'predict',
      this.native,
      sanitize(X.data),
      C_API.DTYPE_FLOAT32,
      X.rows,
      X.cols,
      1,
      type,
      0,
      options.numIteration ?? 0,
      param,
      len,
      out,
    );
    if (Number(len[0]) !== X.rows)
      throw new ModelError(`LightGBM returned ${Number(len[0])} predictions for ${X.rows} rows: not a binary model`);
    return out;
  }

  /** The model in LightGBM's text format (what `LgbBooster.load` and Python's `model_file=` read). */
  toModelString(options: { numIteration?: number } = {}): string {
    return this.readString(
      (len, outLen, buf) =>
        loadLightGBM().LGBM_BoosterSaveModelToString(this.native, 0, options.numIteration ?? -1, C_API.IMPORTANCE_SPLIT, len, outLen, buf),
      'model save',
    );
  }

  /** LightGBM's JSON dump (trees with thresholds, default directions, missing types, leaf values). */
  dumpModel(options: { numIteration?: number } = {}): string {
    return this.readString(
      (len, outLen, buf) =>
        loadLightGBM().LGBM_BoosterDumpModel(this.native, 0, options.numIteration ?? -1, C_API.IMPORTANCE_SPLIT, len, outLen, buf),
      'model dump',
    );
  }

  /** Per-feature importance: total gain (default) or number of splits. */
  featureImportance(type: 'gain' | 'split' = 'gain'): Float64Array {
    const out = new Float64Array(this.numFeatures());
    check(
      loadLightGBM().LGBM_BoosterFeatureImportance(this.native, 0, type === 'gain' ? C_API.IMPORTANCE_GAIN : C_API.IMPORTANCE_SPLIT, out),
      'feature importance',
    );
    return out;
  }

  dispose(): void {
    if (this.handle === null) return;
    finalizer.unregister(this);
    loadLightGBM().LGBM_BoosterFree(this.handle);
    this.handle = null;
  }

  /** LightGBM writes into a caller buffer and reports the size it needed: retry once if short. */
  private readString(call: (len: number, outLen: (number | bigint)[], buf: Buffer) => number, what: string): string {
    let buf = Buffer.alloc(1 << 20);
    const outLen: (number | bigint)[] = [0];
    check(call(buf.length, outLen, buf), what);
    const needed = Number(outLen[0]);
    if (needed > buf.length) {
      buf = Buffer.alloc(needed);
      check(call(buf.length, outLen, buf), what);
    }
    // out_len counts the terminating NUL.
    return buf.toString('utf8', 0, Math.max(0, Number(outLen[0]) - 1));
  }
}

/** `feature_names=a b c` in the model text's header. */
export function readFeatureNames(modelText: string): string[] {
  const match = /^feature_names=(.*)$/m.exec(modelText);
  return match ? match[1]!.trim().split(' ').filter(Boolean) : [];
}

export { type LgbParams };
