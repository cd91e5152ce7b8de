import { ModelError } from '../util/errors';
import { C_API, callAsync, check, loadLightGBM } from './library';
import { paramString, type LgbParams } from './params';
import type { Dataset, Matrix } from './types';

const finalizer = new FinalizationRegistry<unknown>((handle) => {
  loadLightGBM().LGBM_DatasetFree(handle);
});

/**
 * A native LightGBM Dataset (binned features, labels, weights). NaN is the missing value; ±Infinity
 * is turned into NaN first, as for XGBoost, so both engines see the same missing cells.
 */
export class LgbDataset {
  private handle: unknown;

  private constructor(
    handle: unknown,
    readonly rows: number,
    readonly cols: number,
  ) {
    this.handle = handle;
    finalizer.register(this, handle, this);
  }

  /**
   * Binning runs off the event loop. A validation set must be built with `reference` (the training
   * set) so it shares its bin boundaries; LightGBM refuses to evaluate on one that does not.
   * `initScore`: a raw score per row that boosting starts from (a warm start's initial model).
   */
  static async create(d: Dataset, options: { params: LgbParams; reference?: LgbDataset; initScore?: Float64Array }): Promise<LgbDataset> {
    const X = d.X;
    if (X.data.length !== X.rows * X.cols) throw new RangeError(`matrix data has ${X.data.length} values, expected ${X.rows}×${X.cols}`);
    if (X.featureNames.length === X.cols) checkFeatureNames(X.featureNames);
    const api = loadLightGBM();
    const out: unknown[] = [null];
    const data = sanitize(X.data);
    await callAsync(
      api.LGBM_DatasetCreateFromMat,
      'dataset creation',
      data,
      C_API.DTYPE_FLOAT32,
      X.rows,
      X.cols,
      1,
      paramString(options.params),
      options.reference?.native ?? null,
      out,
    );
    const ds = new LgbDataset(out[0], X.rows, X.cols);
    try {
      if (X.featureNames.length === X.cols) {
        check(api.LGBM_DatasetSetFeatureNames(ds.native, X.featureNames, X.cols), 'setting feature names');
      }
      ds.setField('label', d.y);
      if (d.weights) ds.setField('weight', d.weights);
      if (options.initScore) ds.setField('init_score', options.initScore);
    } catch (err) {
      ds.dispose();
      throw err;
    }
    return ds;
  }

  get native(): unknown {
    if (this.handle === null) throw new Error('LgbDataset used after dispose()');
    return this.handle;
  }

  /** LightGBM takes labels and weights as float32, init scores as float64 (as Python passes them). */
  private setField(field: 'label' | 'weight' | 'init_score', values: Float32Array | Float64Array): void {
    if (values.length !== this.rows) throw new RangeError(`${field} has ${values.length} values for ${this.rows} rows`);
    const type = values instanceof Float64Array ? C_API.DTYPE_FLOAT64 : C_API.DTYPE_FLOAT32;
    check(loadLightGBM().LGBM_DatasetSetField(this.native, field, values, values.length, type), `setting ${field}`);
  }

  dispose(): void {
    if (this.handle === null) return;
    finalizer.unregister(this);
    loadLightGBM().LGBM_DatasetFree(this.handle);
    this.handle = null;
  }
}

/**
 * LightGBM stores whitespace in a feature name as "_" (and refuses JSON punctuation): the model
 * would then name a feature differently from the schema, so such a name is refused up front.
 */
function checkFeatureNames(names: string[]): void {
  const renamed = names.find((n) => /\s/.test(n));
  if (renamed !== undefined) {
    throw new ModelError(
      `feature "${renamed}" contains whitespace, which LightGBM would store as "${renamed.replace(/\s/g, '_')}" and no longer match the feature schema; rename the feature`,
    );
  }
}

/** ±Infinity → NaN (copy on first change only). */
export function sanitize(data: Float32Array): Float32Array {
  let copy: Float32Array | undefined;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === Infinity || v === -Infinity) {
      copy ??= Float32Array.from(data);
      copy[i] = Number.NaN;
    }
  }
  return copy ?? data;
}

export type { Matrix };
