import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { generateSyntheticMarket } from '../../lib/data';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../lib/drift';
import { driftMonitor } from '../../workflows/driftMonitor';
import { pipelineWorkflowId } from '../../workflows/ids';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import { connectTestTemporal, createTestWorker, type TemporalTestContext } from '../support/temporal';
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

const TICKERS = ['SYN-A', 'SYN-B', 'SYN-C'];
// Slow, persistent indicators (ADX, ATR, long moving averages) wander with the volatility regime, so
// over a few months they drift even on an unchanged market; the monitor watches the fast ones here
// (docs/monitoring.md discusses this trade-off).
const WATCH = ['ret_1', 'ret_5', 'rsi_14', 'stoch_k_14', 'bb_pctb_20', 'roc_10'];
const WINDOW = 120;
const SMALL: PipelineConfigInput = {
  tickers: TICKERS,
  period: '3y',
  asOf: '2026-10-30',
  approvalTimeout: '1h',
  criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
};

/** The same synthetic market as CSV files, with the last `days` sessions made far more volatile and trending. */
function shiftedMarketCsv(days: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'shifted-'));
  const market = generateSyntheticMarket({ seed: 42, tickers: TICKERS, start: '2023-06-01', end: '2026-10-30' });
  for (const s of market.series) {
    const n = s.dates.length;
    let factor = 1;
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    for (let i = 0; i < n; i++) {
      if (i >= n - days && i > 0) {
        const r = s.close[i]! / s.close[i - 1]! - 1;
        factor *= (1 + 4 * r + 0.01) / (1 + r);
      }
      const f = (v: number) => (v * factor).toFixed(6);
      lines.push(
        `${s.dates[i]},${f(s.open[i]!)},${f(Math.max(s.high[i]!, s.open[i]!, s.close[i]!))},${f(Math.min(s.low[i]!, s.open[i]!, s.close[i]!))},${f(s.close[i]!)},${f(s.adjClose[i]!)},${Math.round(s.volume[i]! * (i >= n - days ? 3 : 1))}`,
      );
    }
    writeFileSync(join(dir, `${s.ticker}.csv`), `${lines.join('\n')}\n`);
  }
  return dir;
}

describe('driftMonitor', () => {
  it('no drift on the unshifted market raises no alert; a shifted one alerts and starts exactly one retraining', async () => {
    const { worker, taskQueue } = await createTestWorker(t, { name: 'drift', env: { TRAINCTL_WEBHOOK_URL: hooks.url } });
    await worker.runUntil(async () => {
      const config = resolvePipelineConfig(SMALL);
      const train = await t.client.workflow.start(trainingPipeline, {
        taskQueue,
        workflowId: `drift-base-${Date.now()}`,
        args: [{ config }],
      });
      for (;;) {
        const s = await train.query(statusQuery);
        if (s.outcome === 'awaiting_approval') {
          await train.signal(approveSignal, { version: s.candidateVersion!, by: 'alice' });
          break;
        }
        expect(s.stage).not.toBe('done');
        await new Promise((r) => setTimeout(r, 300));
      }
      expect((await train.result()).outcome).toBe('promoted');

      const base = {
        modelName: config.modelName,
        windowDays: WINDOW,
        watch: WATCH,
        thresholds: DEFAULT_DRIFT_THRESHOLDS,
        pipeline: config,
        asOf: '2026-10-30',
      };
      const calm = await t.client.workflow.execute(driftMonitor, {
        taskQueue,
        workflowId: `drift-calm-${Date.now()}`,
        args: [{ ...base, autoRetrain: true }],
      });
      expect(calm.status, calm.summary).toBe('ok');
      expect(calm.retrain).toBeNull();
      expect(calm.rows).toBe(WINDOW * 3);
      expect(hooks.received.filter((r) => String((r.body as { event: string }).event).startsWith('drift'))).toHaveLength(0);

      const source = `csv:${shiftedMarketCsv(WINDOW)}`;
      const first = await t.client.workflow.execute(driftMonitor, {
        taskQueue,
        workflowId: `drift-shift-1-${Date.now()}`,
        args: [{ ...base, source, autoRetrain: true }],
      });
      expect(first.status, first.summary).toBe('critical');
      expect(first.maxPsi!).toBeGreaterThan(0.25);
      expect(first.retrain).toMatchObject({ started: true, workflowId: pipelineWorkflowId(config.modelName) });
      const second = await t.client.workflow.execute(driftMonitor, {
        taskQueue,
        workflowId: `drift-shift-2-${Date.now()}`,
        args: [{ ...base, source, autoRetrain: true }],
      });
      expect(second.status).toBe('critical');
      expect(second.retrain).toMatchObject({ started: false });

      const retrain = t.client.workflow.getHandle(pipelineWorkflowId(config.modelName));
      const runs = [];
      for await (const w of t.client.workflow.list({ query: `WorkflowId = '${pipelineWorkflowId(config.modelName)}'` })) runs.push(w);
      expect(runs.filter((w) => w.taskQueue === taskQueue)).toHaveLength(1);
      const status = await retrain.query(statusQuery);
      expect(status.trigger).toBe('drift');
      await retrain.terminate('test cleanup');

      const alerts = hooks.received.map((r) => (r.body as { event: string }).event).filter((e) => e.startsWith('drift'));
      expect(alerts).toEqual(['drift_critical', 'drift_critical']);
    });
  }, 240_000);
});
