import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { MlflowClient } from '../../lib/mlflow';
import { createTrainingWorker } from '../../workers/worker';
import { startMlflowServer, type MlflowServer } from '../support/mlflowServer';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/** The `trainctl` CLI as a user runs it (a child process), against the real server and a real worker. */
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
let t: TemporalTestContext;
let worker: Worker;
let running: Promise<void>;
let mlflow: MlflowServer;
const paths = tempPaths('trainctl-cli-');
const taskQueue = uniqueTaskQueue('cli');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: t.address, TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: paths.root }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const RUN = [
  'run',
  '--tickers',
  'SYN-A,SYN-B,SYN-C',
  '--period',
  '3y',
  '--as-of',
  '2026-10-30',
  '--min-accuracy',
  '0.5',
  '--min-precision',
  '0.3',
  '--min-recall',
  '0.1',
  '--min-f1',
  '0.1',
  '--wait',
  '--json',
];

beforeAll(async () => {
  t = await connectTestTemporal();
  mlflow = await startMlflowServer();
  worker = await createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: { paths, logger: testLogger(paths), env: { MLFLOW_TRACKING_URI: mlflow.uri }, now: () => new Date(), fetch },
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await mlflow?.stop();
  await t?.close();
});

describe('trainctl CLI', () => {
  it('runs to the gate, refuses a wrong version, approves, retrains, lists and rolls back', async () => {
    const first = await cli(RUN);
    expect(first.code, first.stderr).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect(r1).toMatchObject({
      outcome: 'awaiting_approval',
      candidateVersion: 'v1.0.0',
      decision: 'PROMOTE',
      synthetic: true,
      exitCode: 0,
    });
    expect(r1.metrics.baselineAccuracy).toBeGreaterThan(0);

    const concurrent = await cli(RUN);
    expect(concurrent.code).toBe(3);
    expect(concurrent.stderr).toContain(`already has a training run in progress (${r1.workflowId})`);
    expect(r1.workflowId).toBe('train-direction-classifier');

    const wrong = await cli(['approve', r1.workflowId, '--by', 'mallory', '--candidate', 'v9.9.9']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('v1.0.0');

    const ok = await cli(['approve', r1.workflowId, '--by', 'alice', '--comment', 'first model']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('promoted');

    const status = await cli(['status', r1.workflowId, '--json']);
    expect(JSON.parse(status.stdout).outcome).toBe('promoted');
    const human = await cli(['status', r1.workflowId]);
    expect(human.stdout).toMatch(/outcome\s+promoted/);
    expect(human.stdout).toContain('SYNTHETIC');

    const second = JSON.parse((await cli(RUN)).stdout);
    expect(second.candidateVersion).toBe('v1.1.0');
    expect(second.production.version).toBe('v1.0.0');
    expect((await cli(['approve', second.workflowId, '--by', 'alice'])).code).toBe(0);

    const listed = JSON.parse((await cli(['models', 'list', '--json'])).stdout) as { version: string; stage: string }[];
    expect(listed.map((m) => [m.version, m.stage])).toEqual(
      expect.arrayContaining([
        ['v1.0.0', 'archived'],
        ['v1.1.0', 'production'],
      ]),
    );

    const back = await cli(['models', 'rollback', '--previous', '--by', 'bob', '--reason', 'cli test']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/production v1\.1\.0 → v1\.0\.0 in \d+\.\d\d s/);
    const after = JSON.parse((await cli(['models', 'list', '--json'])).stdout) as { version: string; stage: string }[];
    expect(after.find((m) => m.stage === 'production')?.version).toBe('v1.0.0');

    // MLflow followed every step: a run per pipeline run, champion moved by promotion and rollback.
    const ml = new MlflowClient(mlflow.uri);
    expect((await ml.getAlias('direction-classifier', 'champion'))?.tags.trainctl_version).toBe('v1.0.0');
    expect((await ml.getAlias('direction-classifier', 'challenger'))?.tags.trainctl_version).toBe('v1.1.0');
    const tracking = JSON.parse((await cli(['status', second.workflowId, '--json'])).stdout).tracking as {
      ok: boolean;
      mlflowRunId: string;
    };
    expect(tracking.ok).toBe(true);
    // The convention's dataset size on every candidate run.
    const tracked = (await ml.getRun(tracking.mlflowRunId)).data.metrics ?? [];
    expect(tracked.find((m) => m.key === 'n_features')?.value).toBeGreaterThanOrEqual(27);
    expect(tracked.find((m) => m.key === 'n_samples')?.value).toBeGreaterThan(100);

    const drift = await cli(['drift', 'check', '--json', '--window', '30']);
    expect(drift.code, drift.stderr).toBe(0);
    const d = JSON.parse(drift.stdout);
    expect(['ok', 'warning', 'critical']).toContain(d.status);
    expect(d.productionVersion).toBe('v1.0.0');
    expect(d.rows).toBe(90);
    expect(d.report.html).toContain('drift_report.html');
    const history = JSON.parse((await cli(['drift', 'history', '--json'])).stdout);
    expect(history).toHaveLength(1);
    expect(Object.keys(history[0].psi)).toHaveLength(27);

    const unknown = await cli(['models', 'rollback', '--to', 'v7.7.7', '--by', 'bob', '--reason', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('v7.7.7');
  }, 240_000);

  it('exits 2 when the candidate fails validation and 1 when the data is bad', async () => {
    const rejected = await cli([
      ...RUN.filter((a, i) => RUN[i - 1] !== '--min-accuracy' && a !== '--min-accuracy'),
      '--min-accuracy',
      '0.99',
    ]);
    expect(rejected.code).toBe(2);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ outcome: 'rejected', decision: 'REJECT' });

    const shortHoldout = await cli([...RUN, '--holdout', '3d', '--min-holdout-rows', '60']);
    expect(shortHoldout.code).toBe(2);
    const sh = JSON.parse(shortHoldout.stdout);
    expect(sh.outcome).toBe('failed');
    expect(sh.error.type).toBe('ValidationError');
    expect(sh.error.message).toMatch(/at least 60 are needed/);

    const bad = await cli([...RUN, '--source', 'csv:/nonexistent']);
    expect(bad.code).toBe(1);
    const out = JSON.parse(bad.stdout);
    expect(out.outcome).toBe('failed');
    expect(out.error.type).toBe('DataError');
    expect(out.error.message).toContain('SYN-A');
  }, 180_000);

  it('runs a hyperparameter search over a configured space and shows its trials', async () => {
    const space = join(paths.root, 'space.json');
    writeFileSync(space, JSON.stringify({ max_depth: { low: 2, high: 3 }, n_estimators: { low: 30, high: 60 } }));
    const out = await cli([
      'hpo',
      'start',
      '--tickers',
      'SYN-A,SYN-B',
      '--period',
      '3y',
      '--as-of',
      '2026-10-30',
      '--trials',
      '4',
      '--parallel',
      '2',
      '--search-space',
      space,
      '--wait',
      '--json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout);
    expect(r.completed + r.pruned + r.failed).toBe(4);
    expect(r.params.maxDepth).toBeLessThanOrEqual(3);
    const status = JSON.parse((await cli(['hpo', 'status', r.workflowId, '--json'])).stdout);
    expect(status.trials).toHaveLength(4);
    expect(status.best.value).toBe(r.value);
  }, 180_000);

  it('exits 3 on a bad search-space file, before anything starts', async () => {
    const write = (name: string, text: string) => {
      const file = join(paths.root, name);
      writeFileSync(file, text);
      return file;
    };
    const cases: [string, RegExp][] = [
      [write('inverted.json', '{"max_depth": {"low": 9, "high": 3}}'), /"max_depth": int: low 9 must be < high 3/],
      [write('log0.json', '{"learning_rate": {"low": 0, "high": 0.3, "log": true}}'), /"learning_rate": float: log scale needs low > 0/],
      [write('step.json', '{"n_estimators": {"low": 50, "high": 300, "step": 40}}'), /step 40 does not divide the range \[50, 300\]/],
      [
        write('twice.json', '{"max_depth": {"low": 2, "high": 4}, "max_depth": {"low": 3, "high": 5}}'),
        /defines "max_depth" more than once/,
      ],
      [write('unknown.json', '{"depth": {"low": 2, "high": 4}}'), /unknown parameter "depth"/],
      [write('broken.json', '{"max_depth": {"low": 2,'), /is not valid JSON/],
      [join(paths.root, 'missing.json'), /cannot read .*missing\.json \(ENOENT\)/],
    ];
    for (const [file, reason] of cases) {
      const out = await cli(['hpo', 'start', '--search-space', file]);
      expect(out.code, `${file}: ${out.stderr}`).toBe(3);
      expect(out.stderr).toMatch(reason);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 120_000);

  it('validates the whole configuration before connecting: every problem at once, exit 3, one line', async () => {
    // No Temporal behind this address: a configuration error must not even try to connect.
    const offline = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TRAINCTL_HOME: paths.root, ...env } },
          (err, stdout, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
        ),
      );
    const bad = await offline(['run', '--holdout', '0m', '--as-of', '2024-02-31', '--tickers', '', '--min-accuracy', '1.5'], {
      TRAINCTL_TRIALS: 'lots',
    });
    expect(bad.code).toBe(3);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    for (const part of [
      'holdout = "0m" (from --holdout)',
      'asOf = "2024-02-31" (from --as-of)',
      'tickers = [] (from --tickers)',
      'criteria.minAccuracy = 1.5 (from --min-accuracy)',
      'trials = "lots" (from TRAINCTL_TRIALS)',
    ]) {
      expect(bad.stderr).toContain(part);
    }
    expect(bad.stderr).not.toContain('Cannot reach Temporal');
    const future = await offline(['run', '--as-of', '2089-01-01']);
    expect(future.code).toBe(3);
    expect(future.stderr).toMatch(/asOf = "2089-01-01" \(from --as-of\): expected a date not after today/);
    const output = await offline(['run', '--output-json', join(paths.root, 'no-such-dir', 'out.json'), '--wait']);
    expect(output.code).toBe(3);
    expect(output.stderr).toMatch(/--output-json .*no-such-dir.* does not exist/);

    // The config file, the environment and the flags, with where each value came from; secrets redacted.
    const file = join(paths.root, 'team.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        pipeline: { tickers: ['AAPL', 'MSFT'], trials: 12 },
        notifications: { slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/very-secret' },
      }),
    );
    const shown = await offline(['config', 'show', '--config', file, '--seed', '7', '--json'], { TRAINCTL_TRIALS: '15' });
    expect(shown.code, shown.stderr).toBe(0);
    const settings = Object.fromEntries(
      (JSON.parse(shown.stdout).settings as { key: string; value: unknown; origin: string }[]).map((r) => [r.key, r]),
    );
    expect(settings.tickers).toMatchObject({ value: ['AAPL', 'MSFT'], origin: 'file' });
    expect(settings.trials).toMatchObject({ value: 15, origin: 'env' });
    expect(settings.seed).toMatchObject({ value: 7, origin: 'flag' });
    expect(settings.period!.origin).toBe('default');
    expect(settings['notifications.slackWebhookUrl']!.origin).toBe('file');
    expect(shown.stdout).not.toContain('very-secret');
    writeFileSync(file, JSON.stringify({ pipeline: { trails: 3 }, registry: { retentionKeep: -1 } }));
    const invalid = await offline(['config', 'validate', file]);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('unknown setting "trails"');
    expect(invalid.stderr).toContain('registry.retentionKeep');
    const help = await offline(['run', '--help']);
    // commander wraps help text to the terminal width: match across line breaks.
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--min-accuracy <x> promotion threshold on holdout accuracy (default: 0.6)');
  }, 60_000);

  it('exits 3 with a one-line reason for a bad flag, value or unreachable server', async () => {
    const period = await cli(['run', '--period', '7y']);
    expect(period.code).toBe(3);
    expect(period.stderr).toContain('Allowed choices are 1y, 2y, 3y, 5y, 10y, max');
    expect((await cli(['run', '--bogus'])).code).toBe(3);
    const unreachable = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, 'status', 'x'], { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' } }, (err, _o, stderr) =>
        resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr }),
      ),
    );
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('Cannot reach Temporal at 127.0.0.1:1');
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    const badMlflow = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, 'worker'],
        { env: { ...process.env, TEMPORAL_ADDRESS: t.address, MLFLOW_TRACKING_URI: 'localhost:5000' }, timeout: 30_000 },
        (err, _o, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr }),
      ),
    );
    expect(badMlflow.code).toBe(3);
    expect(badMlflow.stderr).toMatch(
      /MLFLOW_TRACKING_URI "localhost:5000" uses localhost: trainctl talks to an MLflow tracking server over http\(s\)/,
    );
  }, 60_000);
});
