import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPredictions } from '../../lib/predictionLog';
import { predictionLogDir } from '../../lib/serving';
import { createTrainingWorker } from '../../workers/worker';
import { dailyScoring, type DailyScoringInput } from '../../workflows/dailyScoring';
import { ensureDailyScoringSchedule } from '../../client/schedules';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import type { TemporalSettings } from '../../lib/config/temporal';
import { AS_OF, lineRegistry, prepareMarket, registerTrainedVersion, TICKERS } from '../serving/support/modelLine';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

const MODEL = 'direction-classifier';
let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => t?.close());

describe('dailyScoring', () => {
  it('scores the day with production and the waiting candidate into the prediction log, once', async () => {
    const paths = tempPaths('daily-scoring-');
    const market = await prepareMarket(paths);
    const registry = await lineRegistry(paths, MODEL);
    const v1 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' })).version;
    await registry.promote({ version: v1, by: 'test', reason: 'first', runId: 'run-1' });
    const v2 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 20, runId: 'run-2' })).version;

    const taskQueue = uniqueTaskQueue('daily-scoring');
    const worker = await createTrainingWorker({
      connection: t.connection,
      settings: { namespace: 'default', taskQueue },
      workflowBundle: t.bundle,
      deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
    });
    const input: DailyScoringInput = { modelName: MODEL, tickers: TICKERS, source: 'synthetic', seed: 42, threshold: 0.5, date: AS_OF };
    const [first, again] = await worker.runUntil(async () => {
      const a = await t.client.workflow.execute(dailyScoring, { taskQueue, workflowId: `daily-a-${Date.now()}`, args: [input] });
      const b = await t.client.workflow.execute(dailyScoring, { taskQueue, workflowId: `daily-b-${Date.now()}`, args: [input] });
      return [a, b];
    });
    expect(first).toMatchObject({ production: v1, candidate: v2, written: 6, alreadyLogged: 0, failed: [] });
    expect(first.dates).toEqual(Object.fromEntries(TICKERS.map((ticker) => [ticker, AS_OF])));
    expect(again).toMatchObject({ written: 0, alreadyLogged: 6 });

    const { records, skipped } = await readPredictions(predictionLogDir(paths, MODEL));
    expect(skipped).toEqual([]);
    expect(records.map((r) => [r.ticker, r.version, r.role, r.source, r.date]).sort()).toEqual(
      TICKERS.flatMap((ticker) => [
        [ticker, v1, 'production', 'batch', AS_OF],
        [ticker, v2, 'shadow', 'batch', AS_OF],
      ]).sort(),
    );
  });

  it('is put on a schedule after the close in the market time zone, once', async () => {
    const config = resolvePipelineConfig({ modelName: `sched-${Date.now().toString(36)}` });
    const settings: TemporalSettings = {
      namespace: 'default',
      taskQueue: uniqueTaskQueue('daily-schedule'),
      address: t.address,
      uiUrl: '',
    };
    const created = await ensureDailyScoringSchedule(t.client, settings, { config });
    expect(created).toMatchObject({ created: true, cron: '30 16 * * 1-5', timezone: 'America/New_York' });
    expect((await ensureDailyScoringSchedule(t.client, settings, { config })).created).toBe(false);
    const handle = t.client.schedule.getHandle(created.scheduleId);
    const d = await handle.describe();
    expect(d.spec.timezone).toBe('America/New_York');
    expect(d.action.type === 'startWorkflow' && d.action.workflowType).toBe('dailyScoring');
    await handle.delete();
  });
});
