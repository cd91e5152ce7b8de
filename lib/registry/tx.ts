import { crashPoint } from './crash';
import { applyPending } from './journal';
import type { Layout } from './layout';
import { writeState, type PendingAction, type RegistryState } from './state';
import type { AuditEntry, Stage } from './types';

/**
 * One change to the registry, built in memory under the lock: mutate `state`, queue the
 * follow-up actions, then `commitTx` writes registry.json once. Throwing before that changes
 * nothing in the store. `etag` is the version of registry.json this holder read (null: none yet);
 * every write of it is conditional on that.
 */
export interface Tx {
  layout: Layout;
  state: RegistryState;
  etag: string | null;
  now: Date;
  actions: PendingAction[];
}

export function beginTx(layout: Layout, read: { state: RegistryState; etag: string | null }, now: Date): Tx {
  return { layout, state: read.state, etag: read.etag, now, actions: [] };
}

export function addAudit(tx: Tx, entry: Omit<AuditEntry, 'seq' | 'at'>): AuditEntry {
  tx.state.auditSeq += 1;
  const full: AuditEntry = { seq: tx.state.auditSeq, at: tx.now.toISOString(), ...entry };
  tx.actions.push({ kind: 'audit', entry: full });
  return full;
}

export function setStage(tx: Tx, version: string, stage: Stage, why: { by: string; reason: string; runId: string | null }): void {
  const record = tx.state.versions[version]!;
  record.stage = stage;
  record.stageHistory.push({ stage, at: tx.now.toISOString(), ...why });
  tx.actions.push({ kind: 'metadata', version });
}

/** Crash steps around here: state-temp-written → state-renamed → pending-<i> → pending-cleared. */
export async function commitTx(tx: Tx, assertLockHeld: () => Promise<void>): Promise<void> {
  if (tx.actions.length === 0) return;
  tx.state.pending = tx.actions;
  await assertLockHeld();
  crashPoint('before-commit');
  tx.etag = await writeState(tx.layout, tx.state, tx.etag);
  await applyPending(tx);
}
