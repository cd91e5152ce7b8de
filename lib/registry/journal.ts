import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from '../util';
import { appendAudit } from './audit';
import { crashPoint } from './crash';
import { versionDir, type Layout } from './layout';
import { syncMetadata } from './metadata';
import { isStateTemp, writeState, type PendingAction, type RegistryState } from './state';

/**
 * Redo the actions a commit promised. Each is idempotent, so running this again after a crash
 * at any point converges on the same result. Crash steps: pending-<i>, pending-cleared.
 */
export async function applyPending(layout: Layout, state: RegistryState): Promise<void> {
  if (state.pending.length === 0) return;
  for (const [i, action] of state.pending.entries()) {
    await apply(layout, state, action);
    crashPoint(`pending-${i}`);
  }
  state.pending = [];
  await writeState(layout, state);
  crashPoint('pending-cleared');
}

async function apply(layout: Layout, state: RegistryState, action: PendingAction): Promise<void> {
  switch (action.kind) {
    case 'audit':
      return appendAudit(layout.audit, action.entry);
    case 'metadata': {
      const record = state.versions[action.version];
      if (record) await syncMetadata(layout, action.version, record);
      return;
    }
    case 'rename': {
      try {
        await rename(join(layout.root, action.from), join(layout.root, action.to));
      } catch (err) {
        // Already renamed by the crashed committer.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      return fsyncDir(join(layout.root, action.to, '..'));
    }
    case 'remove': {
      // Move out of versions/ atomically first, so a half-deleted folder is never visible there.
      const aside = join(layout.tmpDir, `removed-${action.version}-${randomBytes(4).toString('hex')}`);
      await mkdir(layout.tmpDir, { recursive: true });
      try {
        await rename(versionDir(layout, action.version), aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        return;
      }
      await fsyncDir(layout.versionsDir);
      await rm(aside, { recursive: true, force: true });
      return;
    }
  }
}

/**
 * Run by every lock holder before it reads the state: finish a crashed holder's commit, then
 * delete its scratch (staged version folders, state temp files), which no commit references.
 */
export async function recover(layout: Layout, state: RegistryState): Promise<void> {
  await applyPending(layout, state);
  await rm(layout.tmpDir, { recursive: true, force: true });
  const names = await readdir(layout.root).catch(() => [] as string[]);
  await Promise.all(names.filter(isStateTemp).map((n) => rm(join(layout.root, n), { force: true })));
}
