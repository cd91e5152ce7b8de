import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { sha256 } from '../util/hash';
import { ModelError } from '../util/errors';
import { ONNX_INPUT, ONNX_PROBABILITIES } from './export';

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
  featureNames: string[];
}

/**
 * An ONNX model loaded once and scored in batches: the one inference path for backtests, shadow
 * scoring and serving. The input schema is checked against the feature names stored in the model.
 */
export class OnnxModel {
  private constructor(
    private session: ort.InferenceSession | null,
    readonly featureNames: string[],
    readonly metadata: Record<string, string>,
    readonly sha256: string,
  ) {}

  static async load(path: string, options: { expectedSha256?: string; intraOpThreads?: number } = {}): Promise<OnnxModel> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new ModelError(`cannot read ONNX model ${path}: ${(err as Error).message}`);
    }
    const digest = sha256(bytes);
    if (options.expectedSha256 && digest !== options.expectedSha256) {
      throw new ModelError(
        `ONNX model ${path} has SHA-256 ${digest} but its metadata says ${options.expectedSha256}: refusing a modified or corrupt model`,
      );
    }
    const session = await ort.InferenceSession.create(bytes, {
      // One thread by default: onnxruntime's tree ensemble splits the tree sum across threads for
      // batches, which changes the float32 rounding of some scores; single-threaded, a row scores
      // bit-for-bit the same in a backtest batch as alone in the prediction service.
      intraOpNumThreads: options.intraOpThreads ?? 1,
      graphOptimizationLevel: 'all',
    });
    const metadata = readMetadata(bytes);
    const names = metadata.feature_names ? (JSON.parse(metadata.feature_names) as string[]) : [];
    return new OnnxModel(session, names, metadata, digest);
  }

  /** Refuse data whose columns differ from the model's features (names and order). */
  validateSchema(featureNames: string[]): void {
    const same = featureNames.length === this.featureNames.length && featureNames.every((n, i) => n === this.featureNames[i]);
    if (!same) {
      throw new ModelError(
        `feature schema mismatch: the model expects [${this.featureNames.join(', ')}] but the data has [${featureNames.join(', ')}]`,
      );
    }
  }

  /** P(up) for every row, scored in batches. */
  async predictProba(X: Matrix, batchRows = 65_536): Promise<Float32Array> {
    if (!this.session) throw new ModelError('ONNX model used after dispose()');
    this.validateSchema(X.featureNames);
    const out = new Float32Array(X.rows);
    for (let start = 0; start < X.rows; start += batchRows) {
      const rows = Math.min(batchRows, X.rows - start);
      const input = new ort.Tensor('float32', X.data.subarray(start * X.cols, (start + rows) * X.cols), [rows, X.cols]);
      const result = await this.session.run({ [ONNX_INPUT]: input }, [ONNX_PROBABILITIES]);
      const probs = result[ONNX_PROBABILITIES]!;
      const width = probs.dims[1] ?? 1;
      const values = probs.data as Float32Array;
      for (let r = 0; r < rows; r++) out[start + r] = values[r * width + (width - 1)]!;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}

/** Read metadata_props (field 14 of ModelProto) without a full protobuf decoder. */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const decoder = new TextDecoder();
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  };
  const fields = (start: number, end: number, visit: (field: number, s: number, e: number) => void) => {
    pos = start;
    while (pos < end) {
      const tag = Number(varint());
      const field = tag >> 3;
      const wire = tag & 7;
      if (wire === 0) varint();
      else if (wire === 5) pos += 4;
      else if (wire === 1) pos += 8;
      else if (wire === 2) {
        const len = Number(varint());
        const s = pos;
        pos += len;
        const resume = pos;
        visit(field, s, s + len);
        pos = resume;
      } else throw new ModelError(`unexpected protobuf wire type ${wire} in ONNX model`);
    }
  };
  fields(0, bytes.length, (field, s, e) => {
    if (field !== 14) return;
    let key = '';
    let value = '';
    fields(s, e, (f, a, b) => {
      if (f === 1) key = decoder.decode(bytes.subarray(a, b));
      if (f === 2) value = decoder.decode(bytes.subarray(a, b));
    });
    out[key] = value;
  });
  return out;
}
