import { appendAudit } from './audit';
import { crashPoint } from './crash';
import { TMP, VERSIONS, versionKey } from './layout';
import { syncMetadata } from './metadata';
import { writeState, type PendingAction } from './state';
import type { Tx } from './tx';

/**
 * Redo the actions a commit promised. Each is idempotent, so running this again after a crash
 * at any point converges on the same result. Crash steps: pending-<i>, pending-cleared.
 */
export async function applyPending(tx: Tx): Promise<void> {
  if (tx.state.pending.length === 0) return;
  for (const [i, action] of tx.state.pending.entries()) {
    await apply(tx, action);
    crashPoint(`pending-${i}`);
  }
  tx.state.pending = [];
  tx.etag = await writeState(tx.layout, tx.state, tx.etag);
  crashPoint('pending-cleared');
}

async function apply(tx: Tx, action: PendingAction): Promise<void> {
  const { layout, state } = tx;
  switch (action.kind) {
    case 'audit':
      return appendAudit(layout, action.entry);
    case 'metadata': {
      const record = state.versions[action.version];
      if (record) await syncMetadata(layout, action.version, record);
      return;
    }
    case 'rename':
      // Already moved by the crashed committer: a no-op.
      return layout.store.move(action.from, action.to);
    case 'remove':
      // Locally one rename out of versions/ first, so a half-deleted folder is never visible there.
      return layout.store.delete(`${versionKey(action.version)}/`);
  }
}

/**
 * Run by every lock holder before it reads the state: finish a crashed holder's commit, then
 * delete its scratch (staged version folders, temp files of interrupted writes), which no commit
 * references.
 */
export async function recover(tx: Tx): Promise<void> {
  await applyPending(tx);
  const { store } = tx.layout;
  await store.delete(`${TMP}/`);
  await store.sweep('');
  await store.sweep(`${VERSIONS}/`);
}
