import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../client/format';
import { tempPaths } from '../support/temporal';

/**
 * The convention's flags as a user types them, checked before anything starts: no Temporal server
 * is reachable here (TEMPORAL_ADDRESS points at a closed port), so an exit 3 that names the problem
 * proves the check came first.
 */
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
const paths = tempPaths('trainctl-convention-cli-');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TRAINCTL_HOME: paths.root, TRAINCTL_CONFIG: '' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const bestFile = (modelName: string, content: unknown) => {
  const dir = join(paths.modelsDir, modelName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'best_hyperparameters.json'), typeof content === 'string' ? content : JSON.stringify(content));
};

describe('training-script convention on the command line', () => {
  it('a foreign or malformed best_hyperparameters.json exits 3 with one line, before connecting', async () => {
    bestFile('foreign', { params: { numLeaves: 31, learningRate: 0.1 }, value: 0.68, metric: 'walk-forward log loss' });
    const foreign = await cli(['run', '--model-name', 'foreign', '--use-best']);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr.trim().split('\n')).toHaveLength(1);
    expect(foreign.stderr).toMatch(/best_hyperparameters\.json: parameter "numLeaves" is not a xgboost hyperparameter \(it is lightgbm's/);

    bestFile('typed', { params: { maxDepth: 'deep' }, value: 0.68, metric: 'walk-forward log loss' });
    const typed = await cli(['run', '--model-name', 'typed', '--use-best']);
    expect(typed.code).toBe(3);
    expect(typed.stderr).toContain('parameter "maxDepth" = "deep": expected a number');

    bestFile('broken', '{"params": {');
    const broken = await cli(['start', '--model-name', 'broken', '--use-best']);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/best_hyperparameters\.json: not valid JSON/);
    expect(broken.stderr).not.toMatch(/Temporal/);
  }, 120_000);

  it("--log-level takes the convention's names in any case; other words exit 3", async () => {
    const ok = await cli(['run', '--log-level', 'Warning']);
    // Accepted: the run gets as far as connecting (which fails here with exit 3 naming the server).
    expect(ok.stderr).toContain('127.0.0.1:1');
    const bad = await cli(['worker', '--log-level', 'verbose']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('expected DEBUG, INFO, WARNING (or warn), ERROR');
  }, 120_000);

  it('validate and schedule trigger check their arguments first; --help shows the new flags and defaults', async () => {
    const version = await cli(['models', 'validate', 'latest']);
    expect(version.code).toBe(3);
    expect(version.stderr).toContain('"latest" is not a version: expected vX.Y.Z');
    const trials = await cli(['schedule', 'trigger', '--trials', 'many']);
    expect(trials.code).toBe(3);
    expect(trials.stderr).toContain('--trials "many": expected a whole number');
    const help = await cli(['run', '--help']);
    for (const flag of [
      '--skip-validation',
      '--ignore-new-data',
      '--budget <duration>',
      'force promotion',
      '(default: 5y)',
      '(default: 20)',
      '(default: 30m)',
      '(default: 20m)',
    ])
      expect(help.stdout.replace(/\s+/g, ' '), flag).toContain(flag);
    const trigger = await cli(['schedule', 'trigger', '--help']);
    for (const flag of ['--force', '--skip-validation', '--trials <n>', '--ignore-new-data']) expect(trigger.stdout, flag).toContain(flag);
  }, 120_000);

  it('`status` shows FORCED and the time budget', () => {
    const text = formatStatus({
      workflowId: 'train-m',
      pipelineId: 'train-m',
      modelName: 'm',
      trigger: 'manual',
      outcome: 'awaiting_approval',
      stage: 'approval',
      stages: [],
      refusedSignals: [],
      forced: {
        by: ['force'],
        failed: ['accuracy'],
        note: 'FORCED (--force): failed accuracy but reaches the approval gate; not compared with production',
      },
      budget: { limit: '30m', limitMs: 1_800_000, elapsedMs: 2_100_000, overrun: true },
    });
    expect(text).toContain('forced    FORCED (--force): failed accuracy');
    expect(text).toContain('budget    35.0 min of 30m to the gate — EXCEEDED');
  });
});
