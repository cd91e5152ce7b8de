import type { Command } from 'commander';
import { DEFAULT_PIPELINE_CONFIG } from '../../lib/config/pipeline';
import { ConfigError } from '../../lib/util/errors';

interface ServeFlags {
  modelName: string;
  host: string;
  port: string;
  source: string;
  seed: string;
  threshold: string;
  shadow: boolean;
  abFraction: string;
  abExperiment?: string;
  pollMs: string;
  bodyLimit: string;
  maxBatchRows: string;
  predictionLog: boolean;
  logDir?: string;
  logRetentionDays: string;
  instanceId?: string;
}

function number(flag: string, text: string, ok: (n: number) => boolean, expected: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new ConfigError(`--${flag} "${text}" must be ${expected}`);
  return n;
}

/** `trainctl serve`: the prediction service of one model line (lib/serving). */
export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'HTTP prediction service for one model line: hot-swaps on promotion/rollback, shadow-scores the staging candidate, optional A/B, prediction log',
    )
    .option('--model-name <name>', 'model line to serve', DEFAULT_PIPELINE_CONFIG.modelName)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 = any free port)', '8080')
    .option(
      '--source <source>',
      'price data the features are computed from: synthetic | yahoo | csv:DIR (the data cache the pipeline fetched into)',
      DEFAULT_PIPELINE_CONFIG.source,
    )
    .option('--seed <n>', 'seed of the synthetic market (selects its cache)', String(DEFAULT_PIPELINE_CONFIG.seed))
    .option('--threshold <p>', 'direction is "up" when P(up) is above this', String(DEFAULT_PIPELINE_CONFIG.backtest.threshold))
    .option('--no-shadow', 'do not score the staging candidate alongside production')
    .option(
      '--ab-fraction <x>',
      'share of tickers (sticky by hash of ticker and experiment) answered by the staging candidate; 0 = A/B off',
      '0',
    )
    .option('--ab-experiment <id>', 'experiment ID of the A/B split (a new ID reshuffles tickers); default ab-<model name>')
    .option('--poll-ms <ms>', 'how often registry.json is checked for a promotion or rollback', '500')
    .option('--body-limit <bytes>', 'largest request body; larger ones get 413', '65536')
    .option('--max-batch-rows <n>', 'most rows in one /v1/predict/batch request; more get 413', '256')
    .option('--no-prediction-log', 'do not write the prediction log')
    .option('--log-dir <dir>', 'prediction log folder (default <state dir>/predictions/<model name>)')
    .option('--log-retention-days <n>', 'delete prediction log day files older than this', '90')
    .option('--instance-id <id>', 'name shown on /v1/models (default host:pid)')
    .addHelpText(
      'after',
      '\nEndpoints: POST /v1/predict {"ticker","date"?} | {"features":{…}} · POST /v1/predict/batch {"rows":[…]} · GET /v1/models · /healthz · /readyz · /metrics\n' +
        'Deploys: the worker waits until every URL in TRAINCTL_SERVE_INSTANCES reports the new version on /v1/models.',
    )
    .action(async (flags: ServeFlags) => {
      const port = number('port', flags.port, (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a port number 0–65535');
      const seed = number('seed', flags.seed, Number.isInteger, 'a whole number');
      const threshold = number('threshold', flags.threshold, (n) => n > 0 && n < 1, 'a probability in (0, 1)');
      const fraction = number('ab-fraction', flags.abFraction, (n) => n >= 0 && n <= 1, 'a share from 0 to 1');
      const pollMs = number('poll-ms', flags.pollMs, (n) => Number.isInteger(n) && n >= 10, 'a whole number of milliseconds ≥ 10');
      const bodyLimitBytes = number(
        'body-limit',
        flags.bodyLimit,
        (n) => Number.isInteger(n) && n >= 1024,
        'a whole number of bytes ≥ 1024',
      );
      const maxBatchRows = number('max-batch-rows', flags.maxBatchRows, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
      const keepDays = number(
        'log-retention-days',
        flags.logRetentionDays,
        (n) => Number.isInteger(n) && n >= 1,
        'a whole number of days ≥ 1',
      );
      // Loaded on demand: fastify, onnxruntime and polars are not needed by the other commands.
      const { runServer } = await import('./serveRun');
      await runServer({
        modelName: flags.modelName,
        host: flags.host,
        port,
        source: flags.source,
        seed,
        threshold,
        shadow: flags.shadow,
        ab: fraction > 0 ? { fraction, experimentId: flags.abExperiment ?? `ab-${flags.modelName}` } : null,
        pollMs,
        bodyLimitBytes,
        maxBatchRows,
        predictionLog: flags.predictionLog,
        logDir: flags.logDir,
        keepDays,
        instanceId: flags.instanceId,
      });
    });
}
