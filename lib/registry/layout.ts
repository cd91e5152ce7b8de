import { join } from 'node:path';
import { LocalStore, type Store } from '../store';
import { assertVersion } from './version';

/**
 * Where the registry keeps everything, as keys of its store (documented in README.md). On the
 * local backend the store is the registry folder itself, so the keys are today's paths.
 */
export interface Layout {
  store: Store;
  /** The registry folder on the local backend (file locations are absolute paths there); null on S3. */
  localRoot: string | null;
}

export const STATE = 'registry.json';
export const AUDIT = 'audit.jsonl';
export const LOCK = 'registry.lock';
export const VERSIONS = 'versions';
/** Scratch space owned by the lock holder; emptied on every recovery. */
export const TMP = '.tmp';

export function layoutOf(store: Store): Layout {
  return { store, localRoot: store instanceof LocalStore ? store.root : null };
}

export function versionKey(version: string, name?: string): string {
  const dir = `${VERSIONS}/${assertVersion(version)}`;
  return name === undefined ? dir : `${dir}/${name}`;
}

/** Where a reader finds a version's file: an absolute path locally, a store URI elsewhere. */
export function locationOf(layout: Layout, version: string, name: string): string {
  const key = versionKey(version, name);
  return layout.localRoot ? join(layout.localRoot, key) : layout.store.uriOf(key);
}

export const MODEL_JSON = 'model.json';
export const MODEL_ONNX = 'model.onnx';
export const METADATA = 'metadata.json';

const FILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Attached file names become paths inside a version folder: plain names only, no reserved ones. */
export function isValidFileName(name: string): boolean {
  return FILE_NAME_RE.test(name) && !name.endsWith('.tmp') && name !== METADATA;
}
