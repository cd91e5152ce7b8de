import { BUILT_IN_FEATURE_NAMES } from '../features/definitions';
import { OnnxModel } from '../onnx';
import type { ModelEntry } from '../registry';
import type { Store } from '../store';
import { ModelError } from '../util/errors';
import { ScoreBatcher } from './scoreBatcher';

/**
 * A registry version loaded for serving. Reference-counted: a request retains the models of its
 * snapshot, and a model swapped out is released (its onnxruntime session freed) only when the
 * last request using it has finished, so a swap never pulls a session from under a request.
 */
export class LoadedModel {
  private refs = 1;
  readonly loadedAt = new Date().toISOString();
  private readonly batcher: ScoreBatcher;

  constructor(
    readonly version: string,
    readonly onnx: OnnxModel,
    readonly schemaHash: string,
    /** Start of the training data window: features are computed from the same first bar. */
    readonly windowStart: string,
  ) {
    this.batcher = new ScoreBatcher(onnx);
  }

  /** P(up) of each row (in the model's feature order), batched with other requests of this turn. */
  score(rows: Float32Array[]): Promise<Float32Array> {
    return this.batcher.score(rows);
  }

  get featureNames(): string[] {
    return this.onnx.featureNames;
  }

  get sha256(): string {
    return this.onnx.sha256;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    // Nothing waits for the release; a failure to free a session must not become an unhandled rejection.
    if (--this.refs === 0) void this.onnx.dispose().catch(() => {});
  }
}

/**
 * Load a version's ONNX file, refusing it unless its bytes match the SHA-256 recorded in the
 * registry and its features are the ones the metadata names, in the same order, and ones our
 * feature code can compute.
 */
export async function loadServingModel(entry: ModelEntry, store?: Store): Promise<LoadedModel> {
  const file = entry.files['model.onnx'];
  const expected = file?.sha256;
  if (!file || !expected) throw new ModelError(`${entry.version} has no model.onnx in the registry`);
  // A registry in a bucket names its files by URI: a verified local copy for ONNX Runtime.
  const path =
    store && /^[a-z][a-z0-9+.-]*:\/\//i.test(file.location)
      ? await store.getToFile({ uri: file.location, sha256: expected, size: file.bytes })
      : entry.onnx;
  const onnx = await OnnxModel.load(path, { expectedSha256: expected, intraOpThreads: 1 });
  try {
    checkSchema(entry, onnx);
  } catch (err) {
    await onnx.dispose();
    throw err;
  }
  return new LoadedModel(entry.version, onnx, entry.metadata.schemaHash, entry.metadata.dataSource.window.start);
}

function checkSchema(entry: ModelEntry, onnx: OnnxModel): void {
  const declared = (entry.metadata.featureSchema as { names?: unknown } | undefined)?.names;
  if (!Array.isArray(declared)) throw new ModelError(`${entry.version}: metadata.json has no featureSchema.names`);
  const got = onnx.featureNames;
  if (got.length !== declared.length || got.some((n, i) => n !== declared[i])) {
    throw new ModelError(
      `${entry.version}: the ONNX model's features [${got.join(', ')}] differ from the metadata's [${declared.join(', ')}]`,
    );
  }
  // Indicators and candlestick patterns are computed here; external signals are not (no signals files at serving).
  const unknown = got.filter((n) => !BUILT_IN_FEATURE_NAMES.includes(n));
  if (unknown.length > 0) {
    throw new ModelError(
      `${entry.version}: features ${unknown.join(', ')} are not computed by the prediction service (external signals are not served)`,
    );
  }
  const onnxHash = onnx.metadata.schema_hash;
  if (onnxHash !== undefined && onnxHash !== entry.metadata.schemaHash) {
    throw new ModelError(
      `${entry.version}: the ONNX model was exported for schema ${onnxHash} but the metadata says ${entry.metadata.schemaHash}`,
    );
  }
}
