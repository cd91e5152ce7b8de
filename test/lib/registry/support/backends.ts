import { randomBytes } from 'node:crypto';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { inject } from 'vitest';
import { openRegistry, type LocalRegistry, type LocalRegistryOptions } from '../../../../lib/registry';
import { openStore, type Store } from '../../../../lib/store';
import { awsEnv } from '../../../support/s3Server';

/**
 * Where a registry under test lives: a folder (the default backend) or a prefix in the test
 * bucket of the SeaweedFS server started by test/globalSetup.ts. A root is a path or an
 * `s3://bucket/prefix` URI; children get it on their command line and the AWS variables in `env`.
 */
export interface RegistryBackend {
  name: 'local' | 's3';
  /** A fresh, unused root named after `label` inside `dir` (local) or a random prefix (S3). */
  root(dir: string, label: string): string;
  open(root: string, options?: Omit<LocalRegistryOptions, 'root' | 'store'>): Promise<LocalRegistry>;
  /** For child processes. */
  env(): Record<string, string>;
  copy(from: string, to: string): Promise<void>;
  /** A file of the registry as raw text, or null. */
  read(root: string, key: string): Promise<string | null>;
  /** Replace a file behind the registry's back (damage, for tests). */
  write(root: string, key: string, text: string): Promise<void>;
  /** Every key under the root, scratch and lock included. */
  keys(root: string): Promise<string[]>;
  remove(root: string): Promise<void>;
}

export const localBackend: RegistryBackend = {
  name: 'local',
  root: (dir, label) => join(dir, label),
  open: (root, options = {}) => openRegistry({ ...options, root }),
  env: () => ({}),
  copy: (from, to) => cp(from, to, { recursive: true }),
  read: (root, key) => readFile(join(root, key), 'utf8').catch(() => null),
  write: (root, key, text) => writeFile(join(root, key), text),
  async keys(root) {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(root, join(e.parentPath, e.name)))
      .sort();
  },
  remove: (root) => rm(root, { recursive: true, force: true }),
};

let bucketStore: Store | undefined;
function bucket(): Store {
  const s3 = inject('s3Endpoint');
  bucketStore ??= openStore({ env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: `s3://${s3.bucket}` } });
  return bucketStore;
}
const scoped = (root: string): Store => bucket().scope(bucket().keyOf(root));

export const s3Backend: RegistryBackend = {
  name: 's3',
  root: (_dir, label) => bucket().uriOf(`registry-${randomBytes(5).toString('hex')}/${label}`),
  open: (root, options = {}) => openRegistry({ ...options, store: scoped(root) }),
  env: () => awsEnv(inject('s3Endpoint')),
  async copy(from, to) {
    const [source, target] = [scoped(from), scoped(to)];
    for (const key of await source.list('')) await target.put(key, (await source.read(key))!.bytes);
  },
  read: async (root, key) => (await scoped(root).read(key))?.bytes.toString('utf8') ?? null,
  write: async (root, key, text) => {
    await scoped(root).put(key, text);
  },
  keys: (root) => scoped(root).list(''),
  async remove(root) {
    const store = scoped(root);
    for (const key of await store.list('')) await store.delete(key);
  },
};

export const registryBackends: RegistryBackend[] = [localBackend, s3Backend];
