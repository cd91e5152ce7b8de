import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { LocalStore, openStore, type Store } from '../../../../lib/store';
import { awsEnv } from '../../../support/s3Server';

export interface Backend {
  name: 'local' | 's3';
  /** A fresh, empty store (a temp dir, or a fresh prefix in the test bucket) and the environment that selects it. */
  open(o?: {
    multipartThresholdBytes?: number;
    partSizeBytes?: number;
  }): Promise<{ store: Store; env: Record<string, string>; cleanup: () => Promise<void> }>;
}

const scratch: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export const local: Backend = {
  name: 'local',
  async open() {
    const dir = await tempDir('store-local-');
    const root = join(dir, 'artifacts');
    const store = new LocalStore({ root, cacheDir: join(dir, 'cache') });
    return { store, env: { TRAINCTL_ARTIFACTS: root, TRAINCTL_HOME: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
};

export const s3: Backend = {
  name: 's3',
  async open(o = {}) {
    const server = inject('s3Endpoint');
    const dir = await tempDir('store-s3-');
    const env = { ...awsEnv(server), TRAINCTL_ARTIFACTS: `s3://${server.bucket}/t-${randomBytes(5).toString('hex')}`, TRAINCTL_HOME: dir };
    const store = openStore({ env, ...o });
    return {
      store,
      env,
      cleanup: async () => {
        for (const key of await store.list('')) await store.delete(key);
        store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

export const backends: Backend[] = [local, s3];
