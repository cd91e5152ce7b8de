import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE_CONFIG, resolvePipelineConfig } from '../../../lib/config/pipeline';
import {
  backtestSettings,
  checkStageSettings,
  compareSettings,
  featureSettings,
  fetchSettings,
  STAGE_SETTING_KEYS,
  trainSettings,
  trialSettings,
  validationReportSettings,
} from '../../../lib/config/stageSettings';
import { ConfigError } from '../../../lib/util/errors';

const config = resolvePipelineConfig({ modelName: 'line-a', tickers: ['AAA', 'BBB'], asOf: '2026-10-30', seed: 9, useBest: true });

describe('stage settings (what each activity receives)', () => {
  it('each picker keeps its stage’s keys and nothing else', () => {
    expect(fetchSettings(config)).toEqual({
      modelName: 'line-a',
      source: config.source,
      tickers: ['AAA', 'BBB'],
      period: config.period,
      asOf: '2026-10-30',
      seed: 9,
    });
    expect(Object.keys(trainSettings(config)).sort()).toEqual([...STAGE_SETTING_KEYS.train].sort());
    expect(trainSettings(config)).toMatchObject({
      modelName: 'line-a',
      modelType: config.modelType,
      useBest: true,
      holdout: config.holdout,
    });
    expect(backtestSettings(config)).toEqual({
      modelName: 'line-a',
      holdout: config.holdout,
      labelHorizon: config.labelHorizon,
      minHoldoutRows: config.minHoldoutRows,
      backtest: config.backtest,
    });
    expect(Object.keys(trialSettings(config)).sort()).toEqual([...STAGE_SETTING_KEYS.trial].sort());
    expect(compareSettings(config).criteria).toEqual(config.criteria);
    expect(Object.keys(validationReportSettings(config)).sort()).toEqual([...STAGE_SETTING_KEYS.validationReport].sort());
  });

  it('every set names the model line (the Web UI summary and the metrics read it)', () => {
    for (const pick of [
      fetchSettings,
      featureSettings,
      trainSettings,
      backtestSettings,
      trialSettings,
      compareSettings,
      validationReportSettings,
    ])
      expect(pick(config).modelName).toBe('line-a');
  });

  it('absent optional settings stay absent', () => {
    const f = featureSettings(DEFAULT_PIPELINE_CONFIG);
    expect('asOf' in f).toBe(false);
    expect('signals' in f).toBe(false);
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });

  it('an activity accepts its settings as picked and refuses bad or foreign ones with a ConfigError', () => {
    for (const stage of Object.keys(STAGE_SETTING_KEYS) as (keyof typeof STAGE_SETTING_KEYS)[]) {
      const picked = {
        fetch: fetchSettings,
        features: featureSettings,
        train: trainSettings,
        backtest: backtestSettings,
        trial: trialSettings,
        compare: compareSettings,
        validationReport: validationReportSettings,
      }[stage](config);
      expect(checkStageSettings(stage, picked)).toEqual(picked);
    }
    expect(() => checkStageSettings('fetch', { ...fetchSettings(config), seed: 'x' })).toThrow(ConfigError);
    expect(() => checkStageSettings('fetch', { ...fetchSettings(config), tickers: [] })).toThrow(/^invalid fetch settings: tickers/);
    // The whole configuration is not what the stage takes.
    expect(() => checkStageSettings('backtest', config)).toThrow(/unknown setting/);
  });
});
