/**
 * The artifact store: one interface for every file the stages exchange or keep (data snapshots,
 * feature sets, models, reports, reference profiles, the prediction log, the registry index and
 * its lock), over a local directory or an S3-compatible bucket. Keys are relative, `/`-separated
 * paths (`models/direction-classifier/registry.json`); a reference names an object by URI and
 * pins its content by SHA-256, which every verified read checks.
 */

/** What an activity passes to the next one: small, serialisable, and enough to check what it reads. */
export interface StoreRef {
  /** `file:///abs/path/key` or `s3://bucket/prefix/key`. */
  uri: string;
  sha256: string;
  size: number;
}

export type StoreBody = string | Uint8Array | { file: string };

/** An object's bytes with the version token that a compare-and-swap must present. */
export interface Versioned {
  bytes: Buffer;
  etag: string;
}

export interface Store {
  readonly kind: 'local' | 's3';
  /** The store's base URI: `file:///abs/dir` or `s3://bucket/prefix`. */
  readonly uri: string;
  uriOf(key: string): string;
  /** The key of a URI inside this store; a ConfigError for a URI elsewhere. */
  keyOf(uri: string): string;
  /** The same backend rooted at `prefix` under this store (a model line's registry, a run's scratch …). */
  scope(prefix: string): Store;

  /** Atomic: readers see the old object or the new one, never a part. */
  put(key: string, body: StoreBody): Promise<StoreRef>;
  /** The bytes, after checking size and SHA-256 against the reference (DataError naming the URI otherwise). */
  get(ref: StoreRef): Promise<Buffer>;
  /**
   * A verified local copy for readers that need a file (ONNX Runtime, XGBoost). With `localPath`
   * the copy goes there; without, into the store's cache directory keyed by SHA-256 (the file
   * keeps the key's base name: XGBoost chooses the format by extension). Returns the path.
   */
  getToFile(ref: StoreRef, localPath?: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  /** Size and SHA-256 of what the key holds now (streamed), or null when absent. */
  digest(key: string): Promise<{ sha256: string; size: number } | null>;
  /** Keys under `prefix` (a folder when it ends with `/`), relative to the store, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Idempotent: deleting an absent key is not an error. A folder prefix ending with `/` deletes everything under it. */
  delete(key: string): Promise<void>;
  /**
   * Move one key, or a folder (`from` ending with `/`, or naming no object itself); idempotent:
   * a redo skips what is done. Local: one rename (the folder appears whole); S3: copy + delete per object.
   */
  move(from: string, to: string): Promise<void>;

  /** Unverified read with the version token for `putIfMatch`/`deleteIfMatch`; null when absent. */
  read(key: string): Promise<Versioned | null>;
  /** Conditional create: the new etag, or null when the key already exists (someone else won). */
  putIfAbsent(key: string, bytes: string | Uint8Array): Promise<string | null>;
  /** Compare-and-swap: the new etag, or null when the object is absent or no longer has `etag`. */
  putIfMatch(key: string, bytes: string | Uint8Array, etag: string): Promise<string | null>;
  /** Delete only if unchanged since read; false when it changed or is gone. */
  deleteIfMatch(key: string, etag: string): Promise<boolean>;

  /**
   * Remove leftovers of interrupted writes under a folder prefix (local temp files, S3 multipart
   * uploads never completed). Only for a caller that owns the prefix exclusively (under a lock).
   */
  sweep(prefix: string): Promise<void>;
  /** Release connections; the store is unusable afterwards. */
  close(): void;
}
