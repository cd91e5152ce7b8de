import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { productionRetrainConfigActivity } from '../../../activities/productionRetrainConfig';
import { DEFAULT_PIPELINE_CONFIG, resolvePipelineConfig } from '../../../lib/config/pipeline';
import { periodCovering, retrainConfig } from '../../../lib/monitoring';
import { openModelLine } from '../../../lib/registry';
import { tempPaths } from '../../support/temporal';

describe('a triggered retrain uses the production model’s own training set-up', () => {
  it('source, tickers, period, model type and label from the metadata; the rest and asOf from the base', () => {
    const base = resolvePipelineConfig({ asOf: '2027-01-04' });
    const { config } = retrainConfig({
      base,
      production: {
        modelType: 'rf',
        dataSource: { source: 'csv:/data/prices', window: { start: '2023-06-01', end: '2026-05-29' }, tickers: ['AAA', 'BBB'] },
        labelDefinition: { horizon: 10, threshold: 0.01 },
      },
    });
    expect(config).toMatchObject({
      source: 'csv:/data/prices',
      tickers: ['AAA', 'BBB'],
      period: '3y',
      modelType: 'rf',
      labelHorizon: 10,
      labelThreshold: 0.01,
      asOf: '2027-01-04',
    });
    expect(config.criteria).toEqual(base.criteria);
  });

  it('a stored training configuration wins, except what is about this retrain', () => {
    const base = resolvePipelineConfig({ asOf: '2027-01-04' });
    const { config } = retrainConfig({
      base,
      production: { trainingConfig: { holdout: '12m', period: '10y', asOf: '2020-01-01', force: false, costBps: 12 } as never },
    });
    expect(config).toMatchObject({ holdout: '12m', period: '10y', asOf: '2027-01-04' });
  });

  it('periods: the smallest standard one covering the window', () => {
    expect(periodCovering({ start: '2024-11-01', end: '2026-10-30' })).toBe('2y');
    expect(periodCovering({ start: '2016-10-30', end: '2026-10-30' })).toBe('10y');
    expect(periodCovering({ start: '2001-01-01', end: '2026-10-30' })).toBe('max');
  });

  it('the activity reads production from the registry: a CSV-trained model is retrained from its folder', async () => {
    const paths = tempPaths();
    const registry = await openModelLine({ modelsDir: paths.modelsDir, modelName: 'csvline', legacyModelName: 'csvline' });
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    writeFileSync(join(dir, 'model.json'), '{}');
    writeFileSync(join(dir, 'model.onnx'), 'onnx');
    const r = await registry.registerCandidate({
      runId: 'r1',
      artifacts: { modelJson: join(dir, 'model.json'), onnx: join(dir, 'model.onnx') },
      metadata: {
        modelType: 'linear',
        params: {},
        featureSchema: [],
        dataSource: { source: 'csv:/srv/prices', window: { start: '2021-11-01', end: '2026-10-30' }, tickers: ['X1', 'X2'] },
        rawDataHash: 'x',
        featureSetHash: 'x',
        metrics: {},
        codeVersion: 't',
      },
      schemaHash: 's',
      labelDefinition: { horizon: 5, threshold: 0 },
    });
    await registry.promote({ version: r.version, by: 't', reason: 't', runId: 'r1' });
    const productionRetrainConfig = productionRetrainConfigActivity({
      paths,
      logger: pino({ level: 'silent' }),
      env: {},
      now: () => new Date(),
      fetch,
    });
    const out = await productionRetrainConfig({ modelName: 'csvline', base: { ...DEFAULT_PIPELINE_CONFIG, modelName: 'csvline' } });
    expect(out.productionVersion).toBe(r.version);
    expect(out.config).toMatchObject({ source: 'csv:/srv/prices', tickers: ['X1', 'X2'], period: '5y', modelType: 'linear' });
    expect(DEFAULT_PIPELINE_CONFIG.source).toBe('synthetic');
  });
});
