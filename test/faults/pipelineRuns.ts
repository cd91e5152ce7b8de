import { TINY_PIPELINE } from '../support/pipelineConfig';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { resolvePaths, type Paths } from '../../lib/config/paths';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { openRegistry, registryRoot } from '../../lib/registry';
import { hpoStatusQuery, hyperparameterSearch } from '../../workflows/hyperparameterSearch';
import { STATUS_MEMO } from '../../client/runStatus';
import { approveSignal, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { sleep, tempFilesIn, withTimeout } from '../support/faultHarness';

/** Tiny data: two synthetic tickers, three years, criteria the small model passes. */
export const FAULT_CONFIG: PipelineConfigInput = {
  ...TINY_PIPELINE,
  seed: 16,
};
export const MODEL = 'direction-classifier';

const homes: string[] = [];

export function faultHome(name: string): Paths {
  return resolvePaths({}, scratchDir(`trainctl-fault-${name}-`));
}

/** A temporary folder removed with the trainctl homes at the end of the suite. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  homes.push(dir);
  return dir;
}

/** Remove every trainctl home the suite made (kept with TRAINCTL_FAULT_KEEP=1, to look into a failure). */
export function removeFaultHomes(): void {
  if (process.env.TRAINCTL_FAULT_KEEP === '1') return;
  for (const root of homes.splice(0)) {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch (err) {
      console.warn(`could not remove ${root}: ${String(err)}`);
    }
  }
}

export function startPipeline(client: Client, taskQueue: string, id: string): Promise<WorkflowHandle<typeof trainingPipeline>> {
  return client.workflow.start(trainingPipeline, {
    taskQueue,
    workflowId: `${id}-${Date.now().toString(36)}`,
    args: [{ config: resolvePipelineConfig(FAULT_CONFIG) }],
  });
}

export function startSearch(client: Client, taskQueue: string, id: string): Promise<WorkflowHandle<typeof hyperparameterSearch>> {
  return client.workflow.start(hyperparameterSearch, {
    taskQueue,
    workflowId: `${id}-${Date.now().toString(36)}`,
    // Two trials, one at a time: trial values do not depend on how concurrent folds interleave.
    args: [{ config: resolvePipelineConfig({ ...FAULT_CONFIG, trials: 2, hpoParallel: 1 }) }],
  });
}

/** The run's status as it keeps it in its memo (readable without a worker, like `trainctl status`). */
export async function memoStatus(handle: WorkflowHandle): Promise<{ state: string; status?: PipelineStatus }> {
  const d = await withTimeout(handle.describe(), 20_000, `describing ${handle.workflowId}`);
  return { state: d.status.name, status: d.memo?.[STATUS_MEMO] as PipelineStatus | undefined };
}

/** Read the status until `pred` holds; fails naming the run and what it waited for. */
export async function waitForStatus(
  handle: WorkflowHandle,
  pred: (s: PipelineStatus) => boolean,
  { timeoutMs = 240_000, what = 'the status wanted' }: { timeoutMs?: number; what?: string } = {},
): Promise<PipelineStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state, status } = await memoStatus(handle);
    if (status && pred(status)) return status;
    if (state !== 'RUNNING') {
      // The memo holds the last status it was given; a completed run's result is the final one.
      const final = (await handle.result().catch(() => undefined)) as PipelineStatus | undefined;
      if (final && pred(final)) return final;
      throw new Error(`${handle.workflowId} ended (${state}) while waiting for ${what}; last ${status?.outcome}/${status?.stage}`);
    }
    if (Date.now() > deadline)
      throw new Error(
        `${handle.workflowId}: timed out after ${timeoutMs / 1000} s waiting for ${what}; last ${status?.outcome}/${status?.stage}`,
      );
    await sleep(250);
  }
}

/** Approve the run if it waits at its gate; true when the approval was sent. */
export async function approveIfWaiting(handle: WorkflowHandle): Promise<boolean> {
  const { state, status } = await memoStatus(handle);
  if (state !== 'RUNNING' || status?.outcome !== 'awaiting_approval') return false;
  await withTimeout(
    handle.signal(approveSignal, { version: status.candidateVersion!, by: 'faults' }),
    20_000,
    `approving ${handle.workflowId}`,
  );
  return true;
}

/**
 * What must not change when a run is disturbed: the outcome, the version and every figure the
 * run computed from the data (cache hits and timings may differ).
 */
export function pipelineFingerprint(s: PipelineStatus): string {
  return JSON.stringify({
    outcome: s.outcome,
    candidateVersion: s.candidateVersion,
    decision: s.decision,
    failedCriteria: s.failedCriteria,
    dataWindow: s.dataWindow,
    rows: s.featureSet?.rows,
    features: s.featureSet?.features,
    cv: s.cv,
    candidate: s.candidate,
    production: s.production,
    buyHold: s.buyHold,
    evidence: s.evidence,
  });
}

export async function searchFingerprint(handle: WorkflowHandle<typeof hyperparameterSearch>): Promise<string> {
  const result = await handle.result();
  const status = await handle.query(hpoStatusQuery);
  return JSON.stringify({
    value: result.value,
    params: result.params,
    trialNumber: result.trialNumber,
    trials: status.trials.map((t) => ({ number: t.number, state: t.state, value: t.value, params: t.params })),
  });
}

export interface RunCheck {
  versions: number;
  tempFiles: string[];
  /** Files the run's result refers to that are missing, and registry checksum problems. */
  lost: string[];
  productionVersion: string | null;
}

/** Registry, temp files and referenced files of one finished pipeline run. */
export async function checkPipelineHome(paths: Paths, status?: PipelineStatus): Promise<RunCheck> {
  const registry = await openRegistry({ root: registryRoot(paths.modelsDir, MODEL) });
  const versions = await registry.list();
  const production = await registry.production();
  const lost: string[] = [];
  for (const f of Object.values(status?.report ?? {})) if (!existsSync(f)) lost.push(f);
  const verified = await registry.verify();
  for (const p of verified.problems) lost.push(JSON.stringify(p));
  return {
    versions: versions.length,
    tempFiles: tempFilesIn([paths.stateDir, paths.modelsDir, paths.reportsDir]),
    lost,
    productionVersion: production?.version ?? null,
  };
}
