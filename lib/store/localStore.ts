import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolvePaths } from '../config/paths';
import { ConfigError } from '../util/errors';
import { fsyncDir, writeFileAtomic } from '../util/atomic';
import { sha256 } from '../util/hash';
import { BaseStore, streamToFile } from './baseStore';
import { withGuard } from './guard';
import { assertKey } from './keys';
import type { Store, StoreBody, StoreRef, Versioned } from './types';

/** Temp files of interrupted atomic writes and CAS guards: never listed, removed by sweep(). */
const SCRATCH_RE = /^\..+\.(tmp|cas)$/;

/**
 * A directory as a store: a key is a path under `root`, laid out exactly as the files were before
 * the store existed. Writes are atomic (temp file + fsync + rename + directory fsync, as
 * lib/util/atomic.ts), a conditional create is a hard link (which never overwrites), and a
 * compare-and-swap runs under a per-object guard file. The etag is the content's SHA-256.
 */
export class LocalStore extends BaseStore {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly uri: string;

  constructor(o: { root: string; cacheDir?: string }) {
    const root = resolve(o.root);
    super(o.cacheDir ?? join(resolvePaths().stateDir, 'store-cache'));
    this.root = root;
    this.uri = pathToFileURL(root).href;
  }

  pathOf(key: string): string {
    return join(this.root, assertKey(key, { folder: true }));
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  keyOf(uri: string): string {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      throw new ConfigError(`${uri}: not a file:// URI of the store ${this.uri}`);
    }
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || resolve(this.root, rel) !== path) {
      throw new ConfigError(`${uri}: outside the store ${this.uri}`);
    }
    return assertKey(rel.split(sep).join('/'));
  }

  scope(prefix: string): Store {
    return new LocalStore({ root: this.pathOf(prefix), cacheDir: this.cacheDir });
  }

  async put(key: string, body: StoreBody): Promise<StoreRef> {
    const path = this.pathOf(assertKey(key));
    if (typeof body === 'string' || body instanceof Uint8Array) {
      await writeFileAtomic(path, body);
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      return { uri: this.uriOf(key), sha256: sha256(bytes), size: bytes.length };
    }
    await mkdir(dirname(path), { recursive: true });
    const tmp = tempOf(path);
    try {
      // Hash what is written, not the source: the source may change while we copy it.
      const got = await streamToFile(await openSource(body.file), tmp);
      await rename(tmp, path);
      await fsyncDir(dirname(path));
      return { uri: this.uriOf(key), ...got };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await stat(this.pathOf(assertKey(key))).catch(() => null))?.isFile() ?? false;
  }

  async list(prefix: string): Promise<string[]> {
    assertKey(prefix, { folder: true });
    const cut = prefix.lastIndexOf('/');
    const base = prefix.slice(0, cut + 1);
    const keys: string[] = [];
    const walk = async (dirKey: string): Promise<void> => {
      const entries = await readdir(join(this.root, dirKey), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const key = `${dirKey}${e.name}`;
        if (SCRATCH_RE.test(e.name)) continue;
        if (e.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(`${key}/`);
        } else if (e.isFile() && key.startsWith(prefix)) {
          keys.push(key);
        }
      }
    };
    await walk(base);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    if (!key.endsWith('/')) {
      await rm(path, { force: true });
      return;
    }
    if (key === '/') throw new ConfigError('refusing to delete the whole store');
    // Out of sight first (one rename to a scratch name that list() skips and sweep() removes),
    // so a half-deleted folder is never visible under its own name.
    const dir = path.replace(/\/+$/, '');
    const aside = join(dirname(dir), `.${basename(dir)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await rename(dir, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await fsyncDir(dirname(aside));
    await rm(aside, { recursive: true, force: true });
  }

  /** One rename, so a folder appears complete or not at all. */
  async move(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(source.replace(/\/+$/, ''), target.replace(/\/+$/, ''));
    } catch (err) {
      // Already moved (a redo after a crash).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await fsyncDir(dirname(target));
  }

  async read(key: string): Promise<Versioned | null> {
    try {
      const bytes = await readFile(this.pathOf(assertKey(key)));
      return { bytes, etag: sha256(bytes) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async putIfAbsent(key: string, bytes: string | Uint8Array): Promise<string | null> {
    const path = this.pathOf(assertKey(key));
    await mkdir(dirname(path), { recursive: true });
    const tmp = tempOf(path);
    try {
      await writeDurably(tmp, bytes);
      try {
        await link(tmp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
        throw err;
      }
      await fsyncDir(dirname(path));
      return sha256(bytes);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async putIfMatch(key: string, bytes: string | Uint8Array, etag: string): Promise<string | null> {
    const path = this.pathOf(assertKey(key));
    return withGuard(path, async () => {
      if ((await this.read(key))?.etag !== etag) return null;
      await writeFileAtomic(path, bytes);
      return sha256(bytes);
    });
  }

  async deleteIfMatch(key: string, etag: string): Promise<boolean> {
    const path = this.pathOf(assertKey(key));
    return withGuard(path, async () => {
      if ((await this.read(key))?.etag !== etag) return false;
      await unlink(path);
      await fsyncDir(dirname(path));
      return true;
    });
  }

  async sweep(prefix: string): Promise<void> {
    const dir = this.pathOf(prefix);
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => SCRATCH_RE.test(n)).map((n) => rm(join(dir, n), { recursive: true, force: true })));
  }

  close(): void {}

  protected async openStream(key: string): Promise<Readable | null> {
    try {
      return await openSource(this.pathOf(assertKey(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/** Same naming as lib/util/atomic.ts, so both kinds of leftovers look alike and sweep() finds them. */
function tempOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Opened before streaming, so a missing file is an ENOENT here rather than an error event later. */
async function openSource(path: string): Promise<Readable> {
  const fh = await open(path, 'r');
  return fh.createReadStream();
}

async function writeDurably(path: string, bytes: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
