import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataError } from '../util/errors';
import { digestStream, sha256 } from '../util/hash';
import { baseName } from './keys';
import type { Store, StoreBody, StoreRef, Versioned } from './types';

/**
 * What both backends share: verified reads and the SHA-256-keyed download cache. A backend
 * supplies whole-object reads and streams; the checks live here once.
 */
export abstract class BaseStore implements Store {
  abstract readonly kind: 'local' | 's3';
  abstract readonly uri: string;

  constructor(protected readonly cacheDir: string) {}

  abstract uriOf(key: string): string;
  abstract keyOf(uri: string): string;
  abstract scope(prefix: string): Store;
  abstract put(key: string, body: StoreBody): Promise<StoreRef>;
  abstract exists(key: string): Promise<boolean>;
  abstract list(prefix: string): Promise<string[]>;
  abstract delete(key: string): Promise<void>;
  abstract move(from: string, to: string): Promise<void>;
  abstract read(key: string): Promise<Versioned | null>;
  abstract putIfAbsent(key: string, bytes: string | Uint8Array): Promise<string | null>;
  abstract putIfMatch(key: string, bytes: string | Uint8Array, etag: string): Promise<string | null>;
  abstract deleteIfMatch(key: string, etag: string): Promise<boolean>;
  abstract sweep(prefix: string): Promise<void>;
  abstract close(): void;
  /** The object's content as a stream, or null when absent. */
  protected abstract openStream(key: string): Promise<Readable | null>;

  async get(ref: StoreRef): Promise<Buffer> {
    const found = await this.read(this.keyOf(ref.uri));
    if (!found) throw new DataError(`${ref.uri}: not found`, { uri: ref.uri });
    checkContent(ref, found.bytes.length, sha256(found.bytes));
    return found.bytes;
  }

  async getToFile(ref: StoreRef, localPath?: string): Promise<string> {
    const key = this.keyOf(ref.uri);
    const target = localPath ?? join(this.cacheDir, ref.sha256, baseName(key));
    // A cache entry is only ever renamed into place after its hash was checked.
    if (!localPath && (await stat(target).catch(() => null))?.size === ref.size) return target;
    const source = await this.openStream(key);
    if (!source) throw new DataError(`${ref.uri}: not found`, { uri: ref.uri });
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const got = await streamToFile(source, tmp);
      checkContent(ref, got.size, got.sha256);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return target;
  }

  async digest(key: string): Promise<{ sha256: string; size: number } | null> {
    const source = await this.openStream(key);
    return source ? digestStream(source) : null;
  }
}

/** One line naming the object, as a non-retryable DataError: retrying cannot fix altered bytes. */
export function checkContent(ref: StoreRef, size: number, sha: string): void {
  if (size !== ref.size || sha !== ref.sha256) {
    throw new DataError(
      `${ref.uri}: content does not match its reference (SHA-256 ${sha.slice(0, 12)}…, ${size} bytes; expected ${ref.sha256.slice(0, 12)}…, ${ref.size} bytes)`,
      { uri: ref.uri },
    );
  }
}

/** Copy a stream to a file (fsynced), hashing on the way. */
export async function streamToFile(source: Readable, path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  source.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  const out = createWriteStream(path, { flags: 'w' });
  await pipeline(source, out);
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), size };
}
