import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, parseLogLevel, temporalLoggerFromPino } from '../../../lib/log';

const lines = (dir: string) =>
  readFileSync(join(dir, 'training.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logs/training.log in the convention format', () => {
  it('writes timestamp, upper-case level, message, module, function and nested metrics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainctl-log-'));
    const logger = createLogger({ level: 'silent', logsDir: dir });
    logger.info(
      { module: 'train', fn: 'trainModel', pipelineId: 'r1', cvAccuracy: 0.61, rounds: 120, engine: 'xgboost' },
      'candidate trained',
    );
    logger.warn({ module: 'mlflow', metrics: { n_samples: 900 } }, 'MLflow tracking failed');
    logger.debug({ module: 'x' }, 'below the file level: not written');
    const [a, b, ...rest] = lines(dir);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      level: 'INFO',
      message: 'candidate trained',
      module: 'train',
      function: 'trainModel',
      pipelineId: 'r1',
      engine: 'xgboost',
      metrics: { cvAccuracy: 0.61, rounds: 120 },
    });
    expect(new Date(a!.timestamp as string).toISOString()).toBe(a!.timestamp);
    expect(a).not.toHaveProperty('msg');
    expect(a).not.toHaveProperty('cvAccuracy');
    expect(b).toMatchObject({ level: 'WARNING', module: 'mlflow', function: 'mlflow', metrics: { n_samples: 900 } });
  });

  it("names the function after the SDK's activity or workflow type and leaves lines without numbers without metrics", () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainctl-log-'));
    const log = temporalLoggerFromPino(createLogger({ level: 'silent', logsDir: dir }));
    log.info('fold done', { sdkComponent: 'activity', activityType: 'evaluateFold', logLoss: 0.69 });
    log.error('stage failed', { sdkComponent: 'workflow', workflowType: 'trainingPipeline', stage: 'train' });
    const [a, b] = lines(dir);
    expect(a).toMatchObject({ level: 'INFO', module: 'temporal.activity', function: 'evaluateFold', metrics: { logLoss: 0.69 } });
    expect(b).toMatchObject({ level: 'ERROR', function: 'trainingPipeline', stage: 'train' });
    expect(b).not.toHaveProperty('metrics');
  });
});

describe('--log-level', () => {
  it("accepts Python's level names in any case, and warn", () => {
    expect(['DEBUG', 'info', 'Warning', 'WARN', 'error', 'CRITICAL', 'silent'].map(parseLogLevel)).toEqual([
      'debug',
      'info',
      'warn',
      'warn',
      'error',
      'fatal',
      'silent',
    ]);
    expect(parseLogLevel('verbose')).toBeUndefined();
  });
});
