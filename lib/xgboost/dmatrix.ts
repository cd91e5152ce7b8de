import { check, loadXGBoost } from './library';
import type { Dataset, Matrix } from './types';

const finalizer = new FinalizationRegistry<unknown>((handle) => {
  loadXGBoost().XGDMatrixFree(handle);
});

/**
 * A native DMatrix. NaN is the missing-value marker; ±Infinity is turned into NaN first, so it is
 * treated as missing too (XGBoost would otherwise reject or mis-split on it).
 */
export class DMatrix {
  private handle: unknown;

  private constructor(
    handle: unknown,
    readonly rows: number,
    readonly cols: number,
  ) {
    this.handle = handle;
    finalizer.register(this, handle, this);
  }

  static fromMatrix(X: Matrix, labels?: Float32Array, weights?: Float32Array): DMatrix {
    const api = loadXGBoost();
    if (X.data.length !== X.rows * X.cols) throw new RangeError(`matrix data has ${X.data.length} values, expected ${X.rows}×${X.cols}`);
    const data = sanitize(X.data);
    const out: unknown[] = [null];
    check(api.XGDMatrixCreateFromMat(data, X.rows, X.cols, Number.NaN, out), 'DMatrix creation');
    const m = new DMatrix(out[0], X.rows, X.cols);
    try {
      if (X.featureNames.length === X.cols) {
        check(api.XGDMatrixSetStrFeatureInfo(out[0], 'feature_name', X.featureNames, X.cols), 'setting feature names');
      }
      if (labels) m.setFloatInfo('label', labels);
      if (weights) m.setFloatInfo('weight', weights);
    } catch (err) {
      m.dispose();
      throw err;
    }
    return m;
  }

  static fromDataset(d: Dataset): DMatrix {
    return DMatrix.fromMatrix(d.X, d.y, d.weights);
  }

  get native(): unknown {
    if (this.handle === null) throw new Error('DMatrix used after dispose()');
    return this.handle;
  }

  private setFloatInfo(field: 'label' | 'weight', values: Float32Array): void {
    if (values.length !== this.rows) throw new RangeError(`${field} has ${values.length} values for ${this.rows} rows`);
    check(loadXGBoost().XGDMatrixSetFloatInfo(this.native, field, values, values.length), `setting ${field}`);
  }

  dispose(): void {
    if (this.handle === null) return;
    finalizer.unregister(this);
    loadXGBoost().XGDMatrixFree(this.handle);
    this.handle = null;
  }
}

function sanitize(data: Float32Array): Float32Array {
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
