/** A dense, row-major float32 feature matrix, as XGBoost, LightGBM and onnxruntime take it. */
export interface DenseMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
  featureNames: string[];
}

/** The rows `idx` of a matrix, in that order (a copy). */
export function selectRows(m: DenseMatrix, idx: ArrayLike<number>): DenseMatrix {
  const data = new Float32Array(idx.length * m.cols);
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k]!;
    data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols);
  }
  return { data, rows: idx.length, cols: m.cols, featureNames: m.featureNames };
}

/** The rows `idx` of a labelled matrix with their labels and dates (a training or scoring set). */
export function selectLabelledRows(
  m: { X: DenseMatrix; y: Float32Array; dates: string[] },
  idx: ArrayLike<number>,
): { X: DenseMatrix; y: Float32Array; dates: string[] } {
  const y = new Float32Array(idx.length);
  const dates = new Array<string>(idx.length);
  for (let k = 0; k < idx.length; k++) {
    y[k] = m.y[idx[k]!]!;
    dates[k] = m.dates[idx[k]!]!;
  }
  return { X: selectRows(m.X, idx), y, dates };
}
