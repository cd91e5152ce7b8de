import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { shadowEvidenceActivity } from '../../../activities/shadowEvidence';
import { generateSyntheticMarket } from '../../../lib/data';
import { FEATURE_NAMES } from '../../../lib/features/definitions';
import { tickerFeatureColumns } from '../../../lib/features/featureFrame';
import { frameLine } from '../../../lib/predictionLog';
import { openModelLine } from '../../../lib/registry';
import { predictionLogDir } from '../../../lib/serving';
import { tempPaths } from '../../support/temporal';

const TICKERS = ['SYN-A', 'SYN-B', 'SYN-C'];

describe('shadowEvidence activity', () => {
  it('joins the real log with outcomes from the fetch stage and compares candidate and production on the same rows', async () => {
    const paths = tempPaths();
    const registry = await openModelLine({ modelsDir: paths.modelsDir, modelName: 'sh', legacyModelName: 'sh' });
    const art = mkdtempSync(join(tmpdir(), 'art-'));
    const versions: string[] = [];
    for (const runId of ['r1', 'r2']) {
      writeFileSync(join(art, `${runId}.json`), runId);
      writeFileSync(join(art, `${runId}.onnx`), runId);
      const r = await registry.registerCandidate({
        runId,
        artifacts: { modelJson: join(art, `${runId}.json`), onnx: join(art, `${runId}.onnx`) },
        metadata: {
          modelType: 'xgb',
          params: {},
          featureSchema: [],
          dataSource: { source: 'synthetic', window: { start: '2021-01-04', end: '2025-12-31' }, tickers: TICKERS },
          rawDataHash: 'x',
          featureSetHash: 'x',
          metrics: {},
          codeVersion: 't',
        },
        schemaHash: 's',
        labelDefinition: { horizon: 5, threshold: 0 },
      });
      versions.push(r.version);
    }
    await registry.promote({ version: versions[0]!, by: 't', reason: 't', runId: 'r1' });
    // Production leans against the last 5-day move, the candidate in shadow against the last 10 days.
    const market = generateSyntheticMarket({ tickers: TICKERS, end: '2026-10-30' });
    const dir = predictionLogDir(paths, 'sh');
    mkdirSync(dir, { recursive: true });
    const expected = { cand: [0, 0], prod: [0, 0] };
    const lines: string[] = [];
    for (const s of market.series) {
      const f = tickerFeatureColumns(s, { labelHorizon: 5, labelThreshold: 0 });
      f.dates.forEach((date, i) => {
        if (date < '2026-03-02') return;
        const label = f.values[FEATURE_NAMES.length]![i];
        const prod = 1 / (1 + Math.exp(60 * f.values[FEATURE_NAMES.indexOf('ret_5')]![i]!));
        const cand = 1 / (1 + Math.exp(40 * f.values[FEATURE_NAMES.indexOf('ret_10')]![i]!));
        if (!Number.isNaN(label)) {
          expected.prod[0]! += Number((prod > 0.5 ? 1 : 0) === label);
          expected.prod[1]!++;
          expected.cand[0]! += Number((cand > 0.5 ? 1 : 0) === label);
          expected.cand[1]!++;
        }
        for (const [version, role, p] of [
          [versions[0], 'production', prod],
          [versions[1], 'shadow', cand],
        ] as const) {
          lines.push(
            frameLine(
              JSON.stringify({
                requestId: `${s.ticker}${date}${role}`,
                at: `${date}T21:00:00Z`,
                model: 'sh',
                version,
                role,
                source: 'batch',
                ticker: s.ticker,
                date,
                probabilityUp: p,
                direction: p > 0.5 ? 'up' : 'down',
                threshold: 0.5,
              }),
            ),
          );
        }
      });
    }
    writeFileSync(join(dir, 'predictions-2026-10-30.jsonl'), lines.join(''));
    const shadowEvidence = shadowEvidenceActivity({
      paths,
      logger: pino({ level: 'silent' }),
      env: {},
      now: () => new Date('2026-10-30T22:00:00Z'),
      fetch,
    });
    const r = await shadowEvidence({ modelName: 'sh', candidateVersion: versions[1]!, seed: 42, asOf: '2026-10-30' });
    expect(r.productionVersion).toBe(versions[0]);
    expect(r.pairs).toBe(expected.prod[1]);
    expect(r.production.accuracy).toBeCloseTo(expected.prod[0]! / expected.prod[1]!, 12);
    expect(r.candidate.accuracy).toBeCloseTo(expected.cand[0]! / expected.cand[1]!, 12);
    expect(r.days).toBeGreaterThan(150);
    const d = r.difference.accuracy!;
    expect(d.low).toBeLessThanOrEqual(d.estimate);
    expect(d.high).toBeGreaterThanOrEqual(d.estimate);
    expect(r.pValue.accuracy).toBeGreaterThan(0);
    expect(readFileSync(r.report!, 'utf8')).toContain(
      `| accuracy | ${r.candidate.accuracy.toFixed(3)} | ${r.production.accuracy.toFixed(3)} |`,
    );
  }, 120_000);
});
