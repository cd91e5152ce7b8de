import { ConfigError } from '../util/errors';

const SEGMENT_RE = /^[A-Za-z0-9._@=+-][A-Za-z0-9._@=+ -]*$/;

/**
 * Keys become file paths in the local backend, so every segment is a plain name: no `..`, no
 * empty or absolute parts, no backslashes. A trailing `/` marks a folder prefix.
 */
export function assertKey(key: string, o: { folder?: boolean } = {}): string {
  const body = o.folder && key.endsWith('/') ? key.slice(0, -1) : key;
  if (body === '' && o.folder) return key;
  const bad = body.split('/').find((s) => s === '.' || s === '..' || !SEGMENT_RE.test(s));
  if (body === '' || bad !== undefined) throw new ConfigError(`invalid store key ${JSON.stringify(key)}`);
  return key;
}

export function joinKey(prefix: string, key: string): string {
  if (prefix === '') return key;
  return `${prefix.replace(/\/+$/, '')}/${key}`;
}

/** The last segment of a key (the file name a local copy keeps). */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
