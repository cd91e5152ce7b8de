import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { PredictionLogWriter, type PredictionRecord } from '../../lib/predictionLog';
import { predictionLogDir } from '../../lib/serving/locations';
import { createTrainingWorker } from '../../workers/worker';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * Shadow evidence at the approval gate on the real server: the gate shows the candidate's matured
 * shadow predictions against production's on the same rows, and `--min-shadow-days` holds the
 * request for approval until enough days have matured.
 */
let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => t?.close());

const MODEL = 'shadow-line';
const SMALL: PipelineConfigInput = {
  modelName: MODEL,
  tickers: ['SYN-A', 'SYN-B'],
  period: '3y',
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
  approvalTimeout: '10m',
};

async function until(
  handle: { query: (q: typeof statusQuery) => Promise<PipelineStatus> },
  pred: (s: PipelineStatus) => boolean,
): Promise<PipelineStatus> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const s = await handle.query(statusQuery);
    if (pred(s)) return s;
    if (['failed', 'rejected', 'skipped', 'expired'].includes(s.outcome) || Date.now() > deadline)
      throw new Error(`gave up waiting: ${s.outcome} ${s.stage} ${s.candidateVersion} ${s.reason} ${JSON.stringify(s.error)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Weekdays from `from` for `n` days: the synthetic market's trading calendar. */
function weekdays(from: string, n: number): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); out.length < n; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

describe('shadow evidence at the gate', () => {
  it('shows shadow vs production on the same matured rows, and --min-shadow-days holds the approval request', async () => {
    const paths = tempPaths('shadow-gate-');
    const taskQueue = uniqueTaskQueue('shadow-gate');
    const worker = await createTrainingWorker({
      connection: t.connection,
      settings: { namespace: 'default', taskQueue },
      workflowBundle: t.bundle,
      deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
    });
    const start = (over: PipelineConfigInput, id: string) =>
      t.client.workflow.start(trainingPipeline, {
        taskQueue,
        workflowId: `${id}-${Date.now().toString(36)}`,
        args: [{ config: resolvePipelineConfig({ ...SMALL, ...over }) }],
      });

    await worker.runUntil(async () => {
      const first = await start({ force: true }, 'shadow-first');
      const g1 = await until(first, (s) => s.outcome === 'awaiting_approval');
      expect(g1.shadowEvidence).toMatchObject({ required: 0, days: 0, note: 'no production model' });
      await first.signal(approveSignal, { version: 'v1.0.0', by: 'alice' });
      expect((await first.result()).outcome).toBe('promoted');

      // The prediction service scored these days with production v1.0.0 and, in shadow, the next candidate v1.1.0.
      const log = new PredictionLogWriter({ dir: predictionLogDir(paths, MODEL), flushMs: 0 });
      const days = weekdays('2026-07-01', 60);
      let k = 0;
      const record = (version: string, role: PredictionRecord['role'], ticker: string, date: string, p: number): PredictionRecord => ({
        requestId: `req-${k++}`,
        at: `${date}T21:00:00.000Z`,
        model: MODEL,
        version,
        role,
        source: 'batch',
        ticker,
        date,
        probabilityUp: p,
        direction: p > 0.5 ? 'up' : 'down',
        threshold: 0.5,
      });
      for (const [i, date] of days.entries()) {
        for (const ticker of ['SYN-A', 'SYN-B']) {
          log.append(
            record('v1.0.0', 'production', ticker, date, 0.3 + 0.02 * (i % 20)),
            record('v1.1.0', 'shadow', ticker, date, 0.7 - 0.02 * (i % 20)),
          );
        }
      }
      await log.close();

      // --force: v1.1.0 reaches the gate whatever its holdout comparison; it needs 5 matured shadow days, which exist.
      const second = await start({ force: true, minShadowDays: 5, seed: 7 }, 'shadow-second');
      const g2 = await until(second, (s) => s.outcome === 'awaiting_approval');
      expect(g2.candidateVersion).toBe('v1.1.0');
      const e = g2.shadowEvidence!;
      expect(e.required).toBe(5);
      expect(e.days).toBe(60);
      expect(e.pairs).toBe(120);
      expect(e.productionVersion).toBe('v1.0.0');
      expect(e.accuracyDifference!.low).toBeLessThanOrEqual(e.accuracyDifference!.estimate);
      expect(e.accuracyDifference!.high).toBeGreaterThanOrEqual(e.accuracyDifference!.estimate);
      expect(e.accuracyDifference!.estimate).toBeCloseTo(e.candidateAccuracy! - e.productionAccuracy!, 12);
      expect(e.report).toMatch(/shadow_comparison\.md$/);
      await second.signal(approveSignal, { version: 'v1.1.0', by: 'alice' });
      expect((await second.result()).outcome).toBe('promoted');

      // v1.2.0 has no shadow predictions: the gate does not ask for approval; it waits, visibly.
      const third = await start({ force: true, minShadowDays: 5, seed: 9 }, 'shadow-third');
      const waiting = await until(third, (s) => s.stage === 'approval' && s.shadowEvidence !== undefined);
      expect(waiting.outcome).toBe('running');
      expect(waiting.approval).toBeUndefined();
      expect(waiting.shadowEvidence).toMatchObject({ required: 5, days: 0 });
      expect(waiting.shadowEvidence!.note).toContain('no shadow predictions of v1.2.0');
      await third.terminate('test done');
    });
  }, 300_000);
});
