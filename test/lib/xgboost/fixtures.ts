import type { Dataset } from '../../../lib/xgboost';

/** A deterministic synthetic classification set; options shape the awkward cases. */
export function makeDataset(o: {
  rows: number;
  cols: number;
  seed: number;
  nanRate?: number;
  constantCols?: number;
  positiveRate?: number;
}): Dataset {
  let s = o.seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const data = new Float32Array(o.rows * o.cols);
  const y = new Float32Array(o.rows);
  for (let i = 0; i < o.rows; i++) {
    let score = 0;
    for (let j = 0; j < o.cols; j++) {
      const constant = j < (o.constantCols ?? 0);
      const v = constant ? 1.5 : rnd() * 2 - 1;
      score += constant ? 0 : v * ((j % 3) - 1);
      data[i * o.cols + j] = !constant && rnd() < (o.nanRate ?? 0) ? Number.NaN : v;
    }
    const threshold = o.positiveRate === undefined ? 0 : quantileShift(o.positiveRate);
    y[i] = score + (rnd() - 0.5) > threshold ? 1 : 0;
  }
  return { X: { data, rows: o.rows, cols: o.cols, featureNames: Array.from({ length: o.cols }, (_, j) => `f_${j}`) }, y };
}

function quantileShift(positiveRate: number): number {
  // Rough shift of the decision threshold to get about `positiveRate` positives.
  return (0.5 - positiveRate) * 3;
}
