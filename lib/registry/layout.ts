import { join } from 'node:path';
import { assertVersion } from './version';

/** Every path the local registry touches, in one place (documented in README.md). */
export interface Layout {
  root: string;
  state: string;
  audit: string;
  lock: string;
  versionsDir: string;
  /** Scratch space owned by the lock holder; emptied on every recovery. */
  tmpDir: string;
}

export function layoutOf(root: string): Layout {
  return {
    root,
    state: join(root, 'registry.json'),
    audit: join(root, 'audit.jsonl'),
    lock: join(root, 'registry.lock'),
    versionsDir: join(root, 'versions'),
    tmpDir: join(root, '.tmp'),
  };
}

export function versionDir(layout: Layout, version: string): string {
  return join(layout.versionsDir, assertVersion(version));
}

export const MODEL_JSON = 'model.json';
export const MODEL_ONNX = 'model.onnx';
export const METADATA = 'metadata.json';

const FILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Attached file names become paths inside a version folder: plain names only, no reserved ones. */
export function isValidFileName(name: string): boolean {
  return FILE_NAME_RE.test(name) && !name.endsWith('.tmp') && name !== METADATA;
}
