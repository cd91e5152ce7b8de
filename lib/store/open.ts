import { randomBytes } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePaths } from '../config/paths';
import { ConfigError } from '../util/errors';
import { LocalStore } from './localStore';
import { s3Sdk, S3Store } from './s3Store';
import type { Store } from './types';

export interface OpenStoreOptions {
  env?: NodeJS.ProcessEnv;
  /** Where verified downloads are cached (getToFile); default `<state dir>/store-cache`. */
  cacheDir?: string;
  /** Tests: smaller multipart parts. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `TRAINCTL_ARTIFACTS`: unset → the project directory (today's layout); `s3://bucket/prefix`; `file:///dir` or a path. */
export function parseArtifactsLocation(
  value: string | undefined,
): { kind: 'local'; root: string | null } | { kind: 's3'; bucket: string; prefix: string } {
  const v = value?.trim() ?? '';
  if (v === '') return { kind: 'local', root: null };
  if (v.startsWith('s3://')) {
    const rest = v.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    if (!BUCKET_RE.test(bucket)) throw new ConfigError(`TRAINCTL_ARTIFACTS=${v}: "${bucket}" is not a valid bucket name`);
    if (prefix.split('/').some((s) => s === '..' || s === '.') || prefix.includes('//')) {
      throw new ConfigError(`TRAINCTL_ARTIFACTS=${v}: invalid key prefix "${prefix}"`);
    }
    return { kind: 's3', bucket, prefix };
  }
  if (v.startsWith('file://')) return { kind: 'local', root: fileURLToPath(v) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v))
    throw new ConfigError(`TRAINCTL_ARTIFACTS=${v}: expected s3://bucket/prefix, file:///dir or a directory`);
  return { kind: 'local', root: resolve(v) };
}

/**
 * The store the environment selects. For S3 the endpoint and credentials come from the standard
 * AWS variables: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (any S3-compatible server; path-style
 * addressing is forced for a custom endpoint), AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 * (+ AWS_SESSION_TOKEN), AWS_REGION (or AWS_DEFAULT_REGION; default us-east-1). Without an
 * endpoint and keys the SDK's default chain applies (profiles, instance roles). Nothing is
 * contacted here: call checkStore() to fail fast.
 */
export function openStore(o: OpenStoreOptions = {}): Store {
  const env = o.env ?? process.env;
  const paths = resolvePaths(env);
  const cacheDir = o.cacheDir ?? join(paths.stateDir, 'store-cache');
  const where = parseArtifactsLocation(env.TRAINCTL_ARTIFACTS);
  if (where.kind === 'local') return new LocalStore({ root: where.root ?? paths.root, cacheDir });

  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new ConfigError(
        `AWS_ENDPOINT_URL${env.AWS_ENDPOINT_URL_S3 ? '_S3' : ''}=${endpoint}: not a URL (expected e.g. http://127.0.0.1:8333)`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ConfigError(`${endpoint}: the S3 endpoint must be http:// or https://`);
  }
  const keyId = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (Boolean(keyId) !== Boolean(secret)) {
    throw new ConfigError(
      `s3://${where.bucket}: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (only ${keyId ? 'the key id' : 'the secret'} is set)`,
    );
  }
  if (endpoint && !keyId)
    throw new ConfigError(`s3://${where.bucket}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required with the endpoint ${endpoint}`);
  // The SDK warns on every process start under Node 20 about its 2027 support window: noise in
  // every worker log, and nothing an operator of this version can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The SDK is loaded here, for an s3:// store only (lib/store/s3Store.ts).
  const client = new (s3Sdk().S3Client)({
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: Boolean(endpoint) || env.AWS_S3_FORCE_PATH_STYLE === 'true',
    credentials:
      keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN || undefined } : undefined,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    // SDK checksums only when an operation requires one: some S3-compatible servers reject the
    // newer default trailers; we send our own SHA-256 with every put.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return new S3Store({
    client,
    bucket: where.bucket,
    prefix: where.prefix,
    endpoint: endpoint ?? `AWS S3 (${env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'})`,
    cacheDir,
    multipartThresholdBytes: o.multipartThresholdBytes,
    partSizeBytes: o.partSizeBytes,
  });
}

/**
 * Preflight for a worker or CLI before anything runs: the bucket exists, the credentials can
 * write, read and delete, and the server honours conditional writes (a second create of the same
 * key must be refused, and a delete with a stale etag too) — without them the registry's commit
 * and lock would be unsafe, so a server that ignores them is refused rather than used. Throws a
 * ConfigError with one line naming the store and the endpoint.
 */
export async function checkStore(store: Store): Promise<void> {
  if (store instanceof LocalStore) {
    await mkdir(store.root, { recursive: true }).catch(() => undefined);
    await access(store.root, constants.W_OK).catch(() => {
      throw new ConfigError(`${store.uri}: directory is not writable`);
    });
    return;
  }
  if (store instanceof S3Store) {
    const s3 = store;
    await s3.checkBucket();
    const key = `.trainctl-preflight/${randomBytes(6).toString('hex')}`;
    const fatal = async <R>(fn: () => Promise<R>): Promise<R> => s3.call(key, fn, { fatal: true });
    const etag = await fatal(() => s3.putIfAbsent(key, 'probe'));
    try {
      if (etag === null || (await fatal(() => s3.putIfAbsent(key, 'again'))) !== null) {
        throw new ConfigError(`${s3.uri}: the server does not honour If-None-Match on PUT (conditional create) (endpoint ${s3.endpoint})`);
      }
      if ((await fatal(() => s3.putIfMatch(key, 'stale', '"0123456789abcdef0123456789abcdef"'))) !== null) {
        throw new ConfigError(`${s3.uri}: the server does not honour If-Match on PUT (compare-and-swap) (endpoint ${s3.endpoint})`);
      }
      const got = await fatal(() => s3.read(key));
      if (got?.bytes.toString() !== 'probe')
        throw new ConfigError(`${s3.uri}: read back something else than was written (endpoint ${s3.endpoint})`);
    } finally {
      await s3.delete(key).catch(() => undefined);
    }
  }
}
