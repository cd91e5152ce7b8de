import { TINY_PIPELINE } from '../support/pipelineConfig';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Paths } from '../../lib/config/paths';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../lib/drift';
import { registryRoot } from '../../lib/registry';
import { driftMonitor } from '../../workflows/driftMonitor';
import { rollbackModel } from '../../workflows/rollbackModel';
import { approveSignal, rejectSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * Every activity runs twice with the same input, as a retry after a lost completion would run it:
 * the second result must equal the first (timings and cache hits aside) and the second run must
 * leave the registry exactly as the first left it. Driven by real workflows on a real worker whose
 * activities are each wrapped to run twice, so the inputs are the real ones.
 */
let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => t?.close());

const MODEL = 'idem';
const SMALL: PipelineConfigInput = {
  modelName: MODEL,
  ...TINY_PIPELINE,
  seed: 3,
};

interface Twice {
  activity: string;
  sameResult: boolean;
  sameRegistry: boolean;
  /** Where the two results, and the registry after one and after two runs, differ. */
  differences: string[];
}

/** Key paths at which two JSON values differ, with both values (the first few). */
function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 5) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path || '(value)'}: ${JSON.stringify(a)?.slice(0, 160)} → ${JSON.stringify(b)?.slice(0, 160)}`);
  }
  return out;
}

/** What a repeat may change: durations, timestamps, whether a cache was hit. */
const VOLATILE = /(^ms$|Ms$|At$|^at$|elapsed|seconds|duration|cacheHit|fetchedRows|startedAt|finishedAt)/;

function normalise(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (VOLATILE.test(key) ? undefined : v));
}

/** The registry's committed state, its audit log and every file of every version. */
function registrySnapshot(paths: Paths): { state: unknown; audit: string[]; files: string[] } | null {
  const root = registryRoot(paths.modelsDir, MODEL);
  if (!existsSync(root)) return null;
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.lock')) files.push(`${p.slice(root.length)} ${statSync(p).size}`);
    }
  };
  walk(root);
  const read = (f: string) => (existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8') : '');
  const state = read('registry.json');
  return { state: state ? JSON.parse(state) : null, audit: read('audit.jsonl').split('\n').filter(Boolean), files };
}

function twiceActivities(paths: Paths, log: Twice[]) {
  const activities = createActivities({ paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch });
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        const call = fn as (...a: unknown[]) => Promise<unknown>;
        const first = await call(...args);
        const afterFirst = registrySnapshot(paths);
        const second = await call(...args);
        const afterSecond = registrySnapshot(paths);
        const [a, b] = [normalise(first), normalise(second)];
        const sameRegistry = JSON.stringify(afterSecond) === JSON.stringify(afterFirst);
        log.push({
          activity: name,
          sameResult: a === b,
          sameRegistry,
          differences: [
            ...(a === b ? [] : differences(JSON.parse(a ?? 'null'), JSON.parse(b ?? 'null')).map((d) => `result ${d}`)),
            ...(sameRegistry ? [] : differences(afterFirst, afterSecond).map((d) => `registry ${d}`)),
          ],
        });
        return second;
      },
    ]),
  );
}

async function decide(handle: WorkflowHandle<typeof trainingPipeline>, kind: 'approve' | 'reject') {
  for (;;) {
    const s = await handle.query(statusQuery);
    if (s.outcome === 'awaiting_approval') {
      await handle.signal(kind === 'approve' ? approveSignal : rejectSignal, { version: s.candidateVersion!, by: 'idem' });
      return handle.result();
    }
    if (s.stage === 'done') throw new Error(`ended ${s.outcome} before the gate: ${s.reason ?? ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('activity idempotency', () => {
  it('every activity the pipeline, a search, a drift check and a rollback run gives the same result and registry when run twice', async () => {
    const paths = tempPaths('trainctl-idem-');
    const taskQueue = uniqueTaskQueue('idempotency');
    const log: Twice[] = [];
    const worker = await Worker.create({
      connection: t.connection,
      namespace: 'default',
      taskQueue,
      workflowBundle: t.bundle,
      activities: twiceActivities(paths, log),
      maxConcurrentActivityTaskExecutions: 2,
    });
    const startPipeline = (input: PipelineConfigInput) =>
      t.client.workflow.start(trainingPipeline, {
        taskQueue,
        workflowId: `idem-${Date.now().toString(36)}`,
        args: [{ config: resolvePipelineConfig({ ...SMALL, ...input }) }],
      });
    await worker.runUntil(async () => {
      // A search, then train → compare → approve → promote → deploy.
      const promoted = await decide(await startPipeline({ optimize: true, trials: 2, hpoParallel: 1, seed: 7 }), 'approve');
      expect(promoted.outcome).toBe('promoted');
      const drift = await t.client.workflow.execute(driftMonitor, {
        taskQueue,
        workflowId: `idem-drift-${Date.now().toString(36)}`,
        args: [
          {
            modelName: MODEL,
            windowDays: 20,
            thresholds: DEFAULT_DRIFT_THRESHOLDS,
            autoRetrain: false,
            pipeline: resolvePipelineConfig(SMALL),
            asOf: '2026-10-30',
          },
        ],
      });
      expect(drift.status).toBeDefined();
      // A reviewer's rejection, then a second promotion, then a rollback to the first.
      expect((await decide(await startPipeline({ seed: 4 }), 'reject')).outcome).toBe('rejected');
      expect((await decide(await startPipeline({ seed: 5, skipValidation: true }), 'approve')).outcome).toBe('promoted');
      const rollback = await t.client.workflow.execute(rollbackModel, {
        taskQueue,
        workflowId: `idem-rollback-${Date.now().toString(36)}`,
        args: [{ modelName: MODEL, to: 'previous', by: 'idem', reason: 'idempotency test' }],
      });
      expect(rollback.to).toBe('v1.0.0');
    });

    const ran = new Set(log.map((x) => x.activity));
    for (const name of [
      'fetchMarketData',
      'buildFeatures',
      'evaluateTrial',
      'writeSearchResults',
      'trainModel',
      'backtestModel',
      'compareModels',
    ]) {
      expect(ran, name).toContain(name);
    }
    for (const name of ['promoteModel', 'rejectCandidate', 'rollbackRegistry', 'checkDrift', 'notify']) expect(ran, name).toContain(name);
    const differing = log.filter((x) => !x.sameResult || !x.sameRegistry);
    expect(differing.map((x) => `${x.activity}: ${x.differences.join('; ')}`)).toEqual([]);
    console.log(`idempotency: ${log.length} activity executions run twice, ${ran.size} activity types: ${[...ran].sort().join(', ')}`);
  }, 900_000);
});
