import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../util/errors';
import { sha256, sha256File } from '../util/hash';
import { BaseStore } from './baseStore';
import { exactFileBody, FileChangedError, type ExactBody } from './fileBody';
import { assertKey, joinKey } from './keys';
import { describeS3Error, isConditionFailed, isNotFound } from './s3Errors';
import type { Store, StoreBody, StoreRef, Versioned } from './types';

// The SDK (~120 ms to load) is required when the first S3 store is made (lib/store/open.ts), so
// commands on a local store never load it (bench/cli). CommonJS: the same instance `import` gives.
let sdk: typeof S3Sdk | undefined;
export const s3Sdk = (): typeof S3Sdk => (sdk ??= createRequire(import.meta.url)('@aws-sdk/client-s3') as typeof S3Sdk);

/** Files up to this size are read into memory and sent as one buffer; larger ones are streamed. */
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/` ('' for the bucket root). */
  prefix: string;
  /** Shown in error messages. */
  endpoint: string;
  cacheDir: string;
  /** Files larger than this go up in parts (default 64 MiB); a failed multipart upload is aborted. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  /** Whether close() destroys the client (scoped stores share their parent's). */
  ownsClient?: boolean;
}

/**
 * A bucket (under a prefix) as a store. A PUT is atomic in S3: readers see the old object or the
 * new one. Conditional writes are S3's own (`If-None-Match: *` to create, `If-Match: <etag>` to
 * replace or delete), which the preflight checks the server honours (checkStore). The SHA-256 of
 * every object is sent as its checksum (the server rejects a body that does not match) and kept
 * in its metadata.
 */
export class S3Store extends BaseStore {
  readonly kind = 's3' as const;
  readonly uri: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly endpoint: string;
  private readonly client: S3Client;
  private readonly sdk = s3Sdk();
  private readonly threshold: number;
  private readonly partSize: number;
  private readonly ownsClient: boolean;

  constructor(private readonly o: S3StoreOptions) {
    super(o.cacheDir);
    this.client = o.client;
    this.bucket = o.bucket;
    this.prefix = o.prefix.replace(/^\/+|\/+$/g, '');
    this.endpoint = o.endpoint;
    this.uri = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.threshold = o.multipartThresholdBytes ?? 64 * 1024 * 1024;
    this.partSize = Math.max(o.partSizeBytes ?? 16 * 1024 * 1024, 5 * 1024 * 1024);
    this.ownsClient = o.ownsClient ?? true;
  }

  private objectKey(key: string, folder = false): string {
    return joinKey(this.prefix, assertKey(key, { folder }));
  }

  uriOf(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key, true)}`;
  }

  keyOf(uri: string): string {
    const base = `${this.uri}/`;
    if (!uri.startsWith(base)) throw new ConfigError(`${uri}: outside the store ${this.uri}`);
    return assertKey(uri.slice(base.length));
  }

  scope(prefix: string): Store {
    return new S3Store({ ...this.o, prefix: joinKey(this.prefix, assertKey(prefix, { folder: true })), ownsClient: false });
  }

  /** Every SDK call goes through here, so every failure is one line naming the URI and the endpoint. */
  async call<R>(key: string, fn: () => Promise<R>, o: { fatal?: boolean; bucketCall?: boolean } = {}): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      throw describeS3Error(err, { uri: key === '' ? this.uri : this.uriOf(key), endpoint: this.endpoint, ...o });
    }
  }

  /** The bucket exists and these credentials may use it (preflight; ConfigError otherwise). */
  async checkBucket(): Promise<void> {
    await this.call('', () => this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket })), { fatal: true, bucketCall: true });
  }

  async put(key: string, body: StoreBody): Promise<StoreRef> {
    const Key = this.objectKey(key);
    if (typeof body === 'string' || body instanceof Uint8Array)
      return this.putBytes(key, typeof body === 'string' ? Buffer.from(body) : body);
    const size = (await stat(body.file)).size;
    // A small file is read once: the bytes hashed are the bytes sent, whatever happens to the file.
    if (size <= Math.min(SMALL_FILE_BYTES, this.threshold)) return this.putBytes(key, await readFile(body.file));
    const sha = await sha256File(body.file);
    if (size > this.threshold) {
      await this.putMultipart(key, body.file, sha, size);
    } else {
      // Exactly `size` bytes that hash to `sha`, or the request is aborted (fileBody.ts).
      const exact = exactFileBody(body.file, { length: size, sha256: sha });
      await this.sendFile(key, exact, (abortSignal) =>
        this.client.send(new this.sdk.PutObjectCommand({ ...this.putArgs(Key, sha), Body: exact.stream, ContentLength: size }), {
          abortSignal,
        }),
      );
    }
    return { uri: this.uriOf(key), sha256: sha, size };
  }

  private async putBytes(key: string, bytes: Uint8Array): Promise<StoreRef> {
    const sha = sha256(bytes);
    await this.call(key, () => this.client.send(new this.sdk.PutObjectCommand({ ...this.putArgs(this.objectKey(key), sha), Body: bytes })));
    return { uri: this.uriOf(key), sha256: sha, size: bytes.length };
  }

  /** A request with a file body: a FileChangedError (not the SDK's AbortError) when the file changed under it. */
  private async sendFile<R>(key: string, body: ExactBody, send: (abortSignal: AbortSignal) => Promise<R>): Promise<R> {
    try {
      return await this.call(key, () => send(body.signal));
    } catch (err) {
      throw body.failure() ?? err;
    }
  }

  private putArgs(Key: string, sha: string) {
    return {
      Bucket: this.bucket,
      Key,
      ChecksumSHA256: Buffer.from(sha, 'hex').toString('base64'),
      Metadata: { sha256: sha },
    };
  }

  /**
   * Parts, then one Complete that makes the object appear; any failure aborts the upload, so nothing
   * half-written remains. The parts' bytes must hash to `sha` (the metadata says so) before Complete.
   */
  private async putMultipart(key: string, file: string, sha: string, size: number): Promise<void> {
    const Key = this.objectKey(key);
    const { UploadId } = await this.call(key, () =>
      this.client.send(new this.sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key, Metadata: { sha256: sha } })),
    );
    try {
      const parts: { PartNumber: number; ETag: string }[] = [];
      const hash = createHash('sha256');
      for (let start = 0, n = 1; start < size; start += this.partSize, n++) {
        const length = Math.min(this.partSize, size - start);
        const exact = exactFileBody(file, { start, length, hash });
        const res = await this.sendFile(key, exact, (abortSignal) =>
          this.client.send(
            new this.sdk.UploadPartCommand({
              Bucket: this.bucket,
              Key,
              UploadId,
              PartNumber: n,
              Body: exact.stream,
              ContentLength: length,
            }),
            { abortSignal },
          ),
        );
        parts.push({ PartNumber: n, ETag: res.ETag ?? '' });
      }
      if (hash.digest('hex') !== sha) throw new FileChangedError(`${file}: changed while it was being uploaded`);
      await this.call(key, () =>
        this.client.send(
          new this.sdk.CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
        ),
      );
      const written = await this.call(key, () => this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key })));
      if (written.ContentLength !== size) throw new Error(`${this.uriOf(key)}: uploaded ${written.ContentLength} bytes, expected ${size}`);
    } catch (err) {
      await this.client.send(new this.sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw describeS3Error(err, { uri: this.uriOf(key), endpoint: this.endpoint });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const Prefix = joinKey(this.prefix, assertKey(prefix, { folder: true }));
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.call(prefix, () =>
        this.client.send(new this.sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken })),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(this.prefix ? o.Key.slice(this.prefix.length + 1) : o.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    const keys = key.endsWith('/') ? await this.list(key) : [assertKey(key)];
    for (const k of keys) {
      await this.call(k, () => this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(k) })));
    }
  }

  /**
   * Copy then delete, object by object: a redo after a crash moves what is left and skips what is
   * done. `from` is a key, or a folder (ending with `/`, or naming no object itself).
   */
  async move(from: string, to: string): Promise<void> {
    const folder = from.endsWith('/') || !(await this.exists(from));
    const src = folder ? from.replace(/\/?$/, '/') : from;
    const dst = folder ? to.replace(/\/?$/, '/') : to;
    const pairs = folder
      ? (await this.list(src)).map((k) => [k, `${dst}${k.slice(src.length)}`] as const)
      : [[assertKey(src), assertKey(dst)] as const];
    for (const [source, target] of pairs) {
      try {
        await this.client.send(
          new this.sdk.CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.objectKey(target),
            CopySource: `${this.bucket}/${this.objectKey(source).split('/').map(encodeURIComponent).join('/')}`,
          }),
        );
      } catch (err) {
        if (isNotFound(err)) continue;
        throw describeS3Error(err, { uri: this.uriOf(source), endpoint: this.endpoint });
      }
      await this.call(source, () =>
        this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(source) })),
      );
    }
  }

  async read(key: string): Promise<Versioned | null> {
    try {
      const res = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      const bytes = Buffer.from(await res.Body!.transformToByteArray());
      return { bytes, etag: res.ETag ?? '' };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw describeS3Error(err, { uri: this.uriOf(key), endpoint: this.endpoint });
    }
  }

  async putIfAbsent(key: string, bytes: string | Uint8Array): Promise<string | null> {
    return this.conditionalPut(key, bytes, { IfNoneMatch: '*' });
  }

  async putIfMatch(key: string, bytes: string | Uint8Array, etag: string): Promise<string | null> {
    return this.conditionalPut(key, bytes, { IfMatch: etag });
  }

  private async conditionalPut(key: string, body: string | Uint8Array, condition: { IfNoneMatch?: string; IfMatch?: string }) {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    try {
      const res = await this.client.send(
        new this.sdk.PutObjectCommand({ ...this.putArgs(this.objectKey(key), sha256(bytes)), Body: bytes, ...condition }),
      );
      return res.ETag ?? '';
    } catch (err) {
      if (isConditionFailed(err) || (condition.IfMatch && isNotFound(err))) return null;
      throw describeS3Error(err, { uri: this.uriOf(key), endpoint: this.endpoint });
    }
  }

  async deleteIfMatch(key: string, etag: string): Promise<boolean> {
    try {
      await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), IfMatch: etag }));
      return true;
    } catch (err) {
      if (isConditionFailed(err) || isNotFound(err)) return false;
      throw describeS3Error(err, { uri: this.uriOf(key), endpoint: this.endpoint });
    }
  }

  async sweep(prefix: string): Promise<void> {
    const Prefix = joinKey(this.prefix, assertKey(prefix, { folder: true }));
    const res = await this.call(prefix, () => this.client.send(new this.sdk.ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix })));
    for (const u of res.Uploads ?? []) {
      await this.client
        .send(new this.sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }))
        .catch(() => undefined);
    }
  }

  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  protected async openStream(key: string): Promise<Readable | null> {
    try {
      const res = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw describeS3Error(err, { uri: this.uriOf(key), endpoint: this.endpoint });
    }
  }
}
