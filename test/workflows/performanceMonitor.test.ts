import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../lib/data';
import { FEATURE_NAMES } from '../../lib/features/definitions';
import { tickerFeatureColumns } from '../../lib/features/featureFrame';
import { monitorLocations, readMonitorHistory } from '../../lib/monitoring';
import { frameLine } from '../../lib/predictionLog';
import { openModelLine } from '../../lib/registry';
import { predictionLogDir } from '../../lib/serving';
import { createTrainingWorker } from '../../workers/worker';
import { performanceMonitor, type PerformanceMonitorInput } from '../../workflows/performanceMonitor';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

let t: TemporalTestContext;
let hooks: WebhookReceiver;
beforeAll(async () => {
  t = await connectTestTemporal();
  hooks = await startWebhookReceiver();
});
afterAll(async () => {
  await hooks?.close();
  await t?.close();
});

const MODEL = 'perf';
const TICKERS = ['SYN-A', 'SYN-B', 'SYN-C'];
/** The learnable effect is switched off from this date on. */
const CHANGE = '2026-03-02';
const AS_OF = '2026-10-30';
const BEFORE = '2026-02-27';

/** The market with the effect switched off at CHANGE, as Yahoo-style CSV files. */
function changedMarket() {
  const dir = mkdtempSync(join(tmpdir(), 'effect-off-'));
  const market = generateSyntheticMarket({
    seed: 42,
    tickers: TICKERS,
    start: '2023-06-01',
    end: AS_OF,
    changes: [{ from: CHANGE, reversion: false }],
  });
  for (const s of market.series) {
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    s.dates.forEach((d, i) =>
      lines.push(
        `${d},${s.open[i]!.toFixed(6)},${s.high[i]!.toFixed(6)},${s.low[i]!.toFixed(6)},${s.close[i]!.toFixed(6)},${s.adjClose[i]!.toFixed(6)},${Math.round(s.volume[i]!)}`,
      ),
    );
    writeFileSync(join(dir, `${s.ticker}.csv`), `${lines.join('\n')}\n`);
  }
  return { dir, market };
}

/**
 * What production logged: a mean-reversion model (P(up) falls with the last 5-day return), which is
 * what the embedded market's learnable effect rewards — right ~60 % of the time before CHANGE,
 * no better than a coin flip after it. Plus what a real log also holds: a torn line, a foreign record, a
 * ticker nobody has outcomes for.
 */
function writePredictionLog(dir: string, market: ReturnType<typeof generateSyntheticMarket>, version: string) {
  mkdirSync(dir, { recursive: true });
  const ret5 = FEATURE_NAMES.indexOf('ret_5');
  const byDay = new Map<string, string[]>();
  for (const s of market.series) {
    const f = tickerFeatureColumns(s, { labelHorizon: 5, labelThreshold: 0 });
    f.dates.forEach((date, i) => {
      if (date < '2025-10-01') return;
      const p = 1 / (1 + Math.exp(60 * f.values[ret5]![i]!));
      const rec = {
        requestId: `${s.ticker}-${date}`,
        at: `${date}T21:00:00.000Z`,
        model: MODEL,
        version,
        role: 'production',
        source: 'batch',
        ticker: s.ticker,
        date,
        probabilityUp: p,
        direction: p > 0.5 ? 'up' : 'down',
        threshold: 0.5,
      };
      byDay.set(date, [...(byDay.get(date) ?? []), frameLine(JSON.stringify(rec))]);
    });
  }
  for (const [day, lines] of byDay) writeFileSync(join(dir, `predictions-${day}.jsonl`), lines.join(''));
  const foreign = { hello: 'not a prediction' };
  const unknown = {
    requestId: 'z',
    at: '2026-06-01T21:00:00.000Z',
    model: MODEL,
    version,
    role: 'production',
    source: 'request',
    ticker: 'SYN-Z',
    date: '2026-06-01',
    probabilityUp: 0.7,
    direction: 'up',
    threshold: 0.5,
  };
  appendFileSync(
    join(dir, 'predictions-2026-06-02.jsonl'),
    `${frameLine(JSON.stringify(foreign))}${frameLine(JSON.stringify(unknown))}12\tdeadbeef\t{"torn`,
  );
}

async function registerAndPromote(o: { modelsDir: string; source: string; runId: string; accuracy: number }) {
  const registry = await openModelLine({ modelsDir: o.modelsDir, modelName: MODEL, legacyModelName: MODEL });
  const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
  writeFileSync(join(dir, 'model.json'), `{"run":"${o.runId}"}`);
  writeFileSync(join(dir, 'model.onnx'), `onnx ${o.runId}`);
  const r = await registry.registerCandidate({
    runId: o.runId,
    artifacts: { modelJson: join(dir, 'model.json'), onnx: join(dir, 'model.onnx') },
    metadata: {
      modelType: 'xgb',
      params: {},
      featureSchema: FEATURE_NAMES,
      dataSource: { source: o.source, window: { start: '2023-06-01', end: '2025-12-31' }, tickers: TICKERS },
      rawDataHash: 'x',
      featureSetHash: 'x',
      metrics: { accuracy: o.accuracy, precision: 0.6, recall: 0.6, f1: 0.6 },
      codeVersion: 'test',
    },
    schemaHash: 'schema',
    labelDefinition: { horizon: 5, threshold: 0 },
  });
  await registry.promote({ version: r.version, by: 'test', reason: 'test', runId: o.runId });
  return r.version;
}

describe('performanceMonitor', () => {
  it('a market whose learnable effect stops: the drop is alerted, production rolls back once, and nothing flaps', async () => {
    const taskQueue = uniqueTaskQueue('perf');
    const paths = tempPaths();
    const { dir, market } = changedMarket();
    const source = `csv:${dir}`;
    const v1 = await registerAndPromote({ modelsDir: paths.modelsDir, source, runId: 'r1', accuracy: 0.62 });
    const v2 = await registerAndPromote({ modelsDir: paths.modelsDir, source, runId: 'r2', accuracy: 0.63 });
    writePredictionLog(predictionLogDir(paths, MODEL), market, v2);
    const worker = await createTrainingWorker({
      connection: t.connection,
      settings: { namespace: 'default', taskQueue },
      workflowBundle: t.bundle,
      deps: { paths, logger: testLogger(paths), env: { TRAINCTL_WEBHOOK_URL: hooks.url }, now: () => clock, fetch },
    });
    let clock = new Date(`${BEFORE}T22:00:00Z`);
    const input: PerformanceMonitorInput = {
      modelName: MODEL,
      windowDays: 60,
      costBps: 5,
      seed: 42,
      asOf: AS_OF,
      resamples: 1000,
      policy: { floors: { accuracy: 0.55 }, holdoutMargin: 0.05, minMatured: 100, alpha: 0.05 },
      autoRollback: true,
      coolDownHours: 24,
    };
    await worker.runUntil(async () => {
      // Before the change the model does what it did at training: no alert, no rollback.
      const before = await t.client.workflow.execute(performanceMonitor, {
        taskQueue,
        workflowId: `perf-0-${Date.now()}`,
        args: [{ ...input, asOf: BEFORE }],
      });
      expect(before.drop.status, before.drop.note).toBe('ok');
      expect(before.cohorts.find((c) => c.version === v2)!.accuracy!.estimate).toBeGreaterThan(0.55);
      expect(before.rollback).toBeNull();

      clock = new Date(`${AS_OF}T22:00:00Z`);
      const first = await t.client.workflow.execute(performanceMonitor, { taskQueue, workflowId: `perf-1-${Date.now()}`, args: [input] });
      expect(first.drop.status, first.drop.note).toBe('drop');
      expect(first.rollback).toMatchObject({ done: true, from: v2, to: v1 });
      const prod = first.cohorts.find((c) => c.version === v2 && c.role === 'production')!;
      expect(prod.accuracy!.high).toBeLessThan(0.55);
      // What could not be used is reported, not counted as wrong.
      expect(first.unused.foreign).toBe(1);
      expect(first.unused.unreadableLines).toBe(1);
      expect(first.tickersWithoutOutcomes).toEqual(['SYN-Z']);
      expect(first.unused.pending).toBeGreaterThan(0);

      // The next day: v1 has no matured production predictions of its own yet → no verdict, no rollback.
      const second = await t.client.workflow.execute(performanceMonitor, { taskQueue, workflowId: `perf-2-${Date.now()}`, args: [input] });
      expect(second.productionVersion).toBe(v1);
      expect(second.drop.status).toBe('insufficient');
      expect(second.rollback).toBeNull();
    });
    const registry = await openModelLine({ modelsDir: paths.modelsDir, modelName: MODEL, legacyModelName: MODEL });
    expect((await registry.production())!.version).toBe(v1);
    const { snapshots } = await readMonitorHistory(monitorLocations(paths, MODEL).history);
    expect(snapshots.map((s) => s.verdict?.status)).toEqual(['ok', 'drop', 'insufficient']);
    const events = hooks.received
      .map((r) => (r.body as { event: string }).event)
      .filter((e) => e === 'performance_drop' || e === 'rollback');
    expect(events).toEqual(['performance_drop', 'rollback']);
  }, 300_000);
});
