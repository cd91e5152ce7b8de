import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState, TerminatedFailure } from '@temporalio/common';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { exitCodeForError } from '../../client/exitCodes';
import { EXAMPLES, findCommand } from '../../client/examples';
import { buildProgram } from '../../client/program';
import { workflowFailure, WorkflowRunError } from '../../client/workflowFailure';
import { tempPaths } from '../support/temporal';

/**
 * The CLI's shape (issue 25, item 5): noun–verb apart from the run lifecycle and the entry points,
 * one `schedule` noun for every schedule, examples on the everyday commands, moved commands named
 * in one line, and a waited-on workflow's failure reported with its own message and type.
 */
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
const paths = tempPaths('trainctl-noun-verb-');

function offline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', TRAINCTL_HOME: paths.root, TRAINCTL_CONFIG: '' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stdout, stderr }),
    ),
  );
}

const leaves = (c: Command, prefix = ''): string[] =>
  c.commands.flatMap((s) => (s.commands.length ? leaves(s, `${prefix}${s.name()} `) : [`${prefix}${s.name()}`]));

describe('a consistent CLI', () => {
  const program = buildProgram();

  it('is noun–verb apart from the run lifecycle and the entry points', () => {
    const top = program.commands.filter((c) => !c.commands.length).map((c) => c.name());
    expect(top.sort()).toEqual(['approve', 'cancel', 'dashboard', 'dev', 'reject', 'run', 'serve', 'start', 'status', 'worker']);
    const all = leaves(program);
    for (const c of [
      'schedule create',
      'schedule list',
      'schedule describe',
      'schedule pause',
      'schedule unpause',
      'schedule trigger',
      'schedule delete',
      'hpo start',
      'hpo status',
      'models list',
      'models show',
      'models validate',
      'models rollback',
      'models prune',
      'config show',
      'config validate',
      'runs list',
      'runs prune',
      'drift check',
      'drift history',
      'monitor check',
      'monitor history',
      'monitor report',
    ])
      expect(all, c).toContain(c);
    for (const gone of ['drift schedule', 'monitor schedule', 'rollback', 'validate', 'hpo']) expect(all, gone).not.toContain(gone);
  });

  it('`schedule create` takes every flag `drift schedule` and `monitor schedule` had', () => {
    const create = findCommand(program, 'schedule create')!;
    const flags = new Set(create.options.map((o) => o.long));
    for (const flag of [
      '--kind',
      '--cron',
      '--timezone',
      '--paused',
      '--note',
      '--model-name',
      '--source',
      '--window',
      '--watch',
      '--auto-retrain',
      '--psi-warning',
      '--psi-critical',
      '--ks-p-value',
      '--fixed-thresholds',
      '--min-matured',
      '--alpha',
      '--holdout-margin',
      '--auto-rollback',
      '--cool-down',
      '--tickers',
      '--trials',
    ])
      expect(flags, flag).toContain(flag);
  });

  it('the everyday commands show examples in --help', async () => {
    for (const path of ['run', 'status', 'approve', 'reject', 'cancel', 'models list', 'schedule create', 'worker', 'start', 'hpo start'])
      expect(EXAMPLES[path]?.length, path).toBeGreaterThan(0);
    const help = await offline(['schedule', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('trainctl schedule create --kind drift --auto-retrain');
    const status = await offline(['status', '--help']);
    expect(status.stdout).toContain('trainctl status train-direction-classifier --json');
  }, 60_000);

  it('a moved command exits 3 with one line naming the new one', async () => {
    const cases: [string[], string][] = [
      [['drift', 'schedule', '--auto-retrain'], '`trainctl schedule create --kind drift`'],
      [['monitor', 'schedule'], '`trainctl schedule create --kind monitor`'],
      [['rollback', '--previous', '--by', 'a', '--reason', 'r'], '`trainctl models rollback`'],
      [['validate', 'v1.0.0'], '`trainctl models validate <version>`'],
      [['hpo', '--trials', '4'], '`trainctl hpo start [flags]`'],
    ];
    for (const [args, says] of cases) {
      const r = await offline(args);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toContain(says);
    }
  }, 60_000);

  it('`schedule create` refuses a flag of another kind, before connecting', async () => {
    const r = await offline(['schedule', 'create', '--kind', 'drift', '--trials', '4']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--trials does not apply to `schedule create --kind drift`');
    const window = await offline(['schedule', 'create', '--kind', 'drift', '--window', '3']);
    expect(window.code).toBe(3);
    expect(window.stderr).toContain('--window expects whole trading days ≥ 5, got "3"');
    const alpha = await offline(['schedule', 'create', '--kind', 'monitor', '--alpha', '0.9']);
    expect(alpha.stderr).toContain('--alpha expects a positive number ≤ 0.5, got "0.9"');
    const trigger = await offline(['schedule', 'trigger', '--kind', 'monitor', '--force']);
    expect(trigger.code).toBe(3);
    expect(trigger.stderr).toContain('apply to the retraining schedule only');
  }, 60_000);

  it("a workflow's failure is reported with its own message and type, and the type's exit code", () => {
    const failed = (cause: Error) => new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);
    const data = ApplicationFailure.nonRetryable('only 0 of 6 tickers have usable data (at least 5 needed): AAPL: 0 rows', 'DataError');
    const viaActivity = failed(
      new ActivityFailure('Activity task failed', 'checkDrift', '1', RetryState.NON_RETRYABLE_FAILURE, 'id', data),
    );
    expect(workflowFailure(viaActivity)).toEqual({ message: data.message, type: 'DataError' });
    const err = new WorkflowRunError('drift check of m', workflowFailure(viaActivity)!);
    expect(err.message).toBe(`drift check of m failed: ${data.message} [DataError]`);
    expect(exitCodeForError(err)).toBe(1);
    const validation = failed(ApplicationFailure.nonRetryable('holdout has 3 rows', 'ValidationError'));
    expect(exitCodeForError(new WorkflowRunError('x', workflowFailure(validation)!))).toBe(2);
    const config = failed(ApplicationFailure.nonRetryable('unknown version v7.7.7', 'ConfigError'));
    expect(exitCodeForError(new WorkflowRunError('x', workflowFailure(config)!))).toBe(3);
    expect(workflowFailure(failed(new TerminatedFailure('by ops')))).toEqual({ message: 'terminated: by ops', type: 'Terminated' });
    expect(workflowFailure(new Error('other'))).toBeUndefined();
  });
});
