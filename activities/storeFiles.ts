import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelEntry, ModelFile } from '../lib/registry';
import { LocalStore, type Store, type StoreRef } from '../lib/store';
import { checkContent } from '../lib/store/baseStore';
import { DataError } from '../lib/util/errors';
import { digestFile } from '../lib/util/hash';
import type { ActivityDeps } from './deps';

/**
 * How activities hand files to each other: a stage writes into its worker's local scratch space,
 * then publishes the file to the artefact store under a key that mirrors its path relative to
 * the project root (so the local default store keeps today's layout, without a copy); the next
 * stage, on whatever host, asks for a verified local copy of the reference.
 */

const defaults = new WeakMap<ActivityDeps, Store>();

/** The worker's artefact store; without one, the project directory (today's layout). */
export function storeOf(deps: ActivityDeps): Store {
  if (deps.store) return deps.store;
  let store = defaults.get(deps);
  if (!store) {
    store = new LocalStore({ root: deps.paths.root, cacheDir: join(deps.paths.stateDir, 'store-cache') });
    defaults.set(deps, store);
  }
  return store;
}

/** The store key of a file in the worker's local layout: its path relative to the project root. */
export function keyFor(deps: ActivityDeps, path: string): string {
  const { root, stateDir, modelsDir, reportsDir } = deps.paths;
  const inRoot = inside(root, path);
  if (inRoot !== null) return inRoot;
  // Folders moved out of the project (TRAINCTL_STATE_DIR=/elsewhere …) keep their default key prefix.
  for (const [dir, prefix] of [
    [stateDir, '.trainctl'],
    [reportsDir, 'reports'],
    [modelsDir, 'models'],
  ] as const) {
    const rel = inside(dir, path);
    if (rel !== null) return `${prefix}/${rel}`;
  }
  throw new DataError(`${path}: outside the project directory ${root}, so it has no store key`);
}

function inside(dir: string, path: string): string | null {
  const rel = relative(dir, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? null : rel.split(sep).join('/');
}

/**
 * Publish a local file under its mirrored key. When the store is the project directory and the
 * file already is the object, nothing is copied. `immutable`: the key names its content (a hash in
 * the name), so an object already there is the same one. `firstWins`: the key is content-addressed
 * by its inputs but the bytes may differ by host (library versions): an object already there is
 * kept and referenced, so a reference another run holds never changes under it.
 */
export async function publish(
  deps: ActivityDeps,
  path: string,
  o: { sha256?: string; immutable?: boolean; firstWins?: boolean } = {},
): Promise<StoreRef> {
  const store = storeOf(deps);
  // The project directory as the store (the default): a file of this worker's layout is the object,
  // even where TRAINCTL_STATE_DIR & co. moved a folder out of the project.
  if (store instanceof LocalStore && store.root === deps.paths.root) {
    const inStore = inside(store.root, path) !== null;
    if (!inStore || store.pathOf(keyFor(deps, path)) === path) {
      const { size } = await stat(path);
      return { uri: pathToFileURL(path).href, sha256: o.sha256 ?? (await hashFile(path)), size };
    }
  }
  const key = keyFor(deps, path);
  if (o.immutable && o.sha256 && (await store.exists(key))) {
    return { uri: store.uriOf(key), sha256: o.sha256, size: (await stat(path)).size };
  }
  if (o.firstWins) {
    const there = await store.digest(key);
    if (there) return { uri: store.uriOf(key), ...there };
  }
  return store.put(key, { file: path });
}

/**
 * A verified local file for a reference: `file://` objects are checked where they are (no copy),
 * `s3://` ones are downloaded into the SHA-256-keyed cache (once per worker). A mismatch is a
 * non-retryable DataError naming the URI.
 */
export async function localFile(deps: ActivityDeps, ref: StoreRef): Promise<string> {
  if (ref.uri.startsWith('file://')) {
    const path = fileURLToPath(ref.uri);
    const got = await hashAndSize(path).catch(() => null);
    if (!got) throw new DataError(`${ref.uri}: not found`, { uri: ref.uri });
    checkContent(ref, got.size, got.sha256);
    return path;
  }
  return storeOf(deps).getToFile(ref);
}

/** A registry file as a reference (the local registry gives absolute paths, the S3 one URIs). */
export function registryFileRef(file: ModelFile): StoreRef {
  const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(file.location) ? file.location : pathToFileURL(file.location).href;
  return { uri, sha256: file.sha256, size: file.bytes };
}

/** The entry with every named file as a verified local path (for code that reads `location` from disk). */
export async function localEntry(deps: ActivityDeps, entry: ModelEntry): Promise<ModelEntry> {
  const files: Record<string, ModelFile> = {};
  for (const [name, f] of Object.entries(entry.files)) files[name] = { ...f, location: await localFile(deps, registryFileRef(f)) };
  return {
    ...entry,
    files,
    modelJson: files['model.json']?.location ?? entry.modelJson,
    onnx: files['model.onnx']?.location ?? entry.onnx,
  };
}

/** Where a person opens a published file: the local path for the project directory, else the URI. */
export function displayLocation(ref: StoreRef): string {
  return ref.uri.startsWith('file://') ? fileURLToPath(ref.uri) : ref.uri;
}

/** A report's three files published; where a person opens each. */
export async function publishReport(
  deps: ActivityDeps,
  files: { markdown: string; html: string; json: string },
): Promise<{ markdown: string; html: string; json: string }> {
  return {
    markdown: displayLocation(await publish(deps, files.markdown)),
    html: displayLocation(await publish(deps, files.html)),
    json: displayLocation(await publish(deps, files.json)),
  };
}

async function hashFile(path: string): Promise<string> {
  return (await hashAndSize(path)).sha256;
}

/**
 * What a local file hashed to, by path, with the file's identity then (inode, size, change time): a
 * search reads the same feature set for every fold of every trial, and hashing it each time was the
 * main thread's largest cost there. A file changed since (any write moves its change time) is hashed
 * again.
 */
const hashed = new Map<string, { identity: string; sha256: string; size: number }>();
const MAX_HASHED = 256;

async function hashAndSize(path: string): Promise<{ sha256: string; size: number }> {
  const st = await stat(path);
  const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const known = hashed.get(path);
  if (known?.identity === identity) return known;
  const got = await digestFile(path);
  // Only a file left alone for a while: a write within the same clock tick could keep its times.
  if (Date.now() - st.ctimeMs > 2_000 && got.size === st.size) {
    if (hashed.size >= MAX_HASHED) hashed.delete(hashed.keys().next().value!);
    hashed.set(path, { identity, ...got });
  }
  return got;
}
