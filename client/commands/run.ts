import { routesMemo } from '../../lib/config/taskQueues';
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { resolvePipelineConfig, type PipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { workflowUiLink, type TemporalSettings } from '../../lib/config/temporal';
import { ConfigError } from '../../lib/util/errors';
import { runSignals } from '../../lib/features/runSignals';
import { pipelineWorkflowId } from '../../workflows/ids';
import { trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { exitCodeForStatus } from '../exitCodes';
import { readRunStatus } from '../runStatus';
import { ensureSearchAttributes } from '../searchAttributes';
import { initialSearchAttributes } from '../../workflows/searchAttributes';
import type { ProgressPrinter } from '../../lib/progress/render';
import { readLiveProgress } from '../progress';

/** Defaults + input, validated completely (ConfigError, exit 3, every problem with its key path). */
export function buildConfig(input: PipelineConfigInput): PipelineConfig {
  return resolvePipelineConfig(input);
}

/** A workflow ID outside the model line's guard, for `--allow-concurrent` only. */
function concurrentWorkflowId(modelName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
  return `${pipelineWorkflowId(modelName)}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Start a training run under the model line's workflow ID (workflows/ids.ts): the server refuses
 * it while another run of the model is open, whoever started that one.
 */
export async function startRun(
  client: Client,
  settings: TemporalSettings,
  config: PipelineConfig,
  options: { allowConcurrent?: boolean } = {},
) {
  // Signals files are checked before anything starts (exit 3 naming file, line and column).
  await runSignals(config, { now: new Date(), errorKind: 'config' });
  const workflowId = options.allowConcurrent ? concurrentWorkflowId(config.modelName) : pipelineWorkflowId(config.modelName);
  // ModelName, PipelineStage, … when the server has them (registered here if missing): one filter in the Web UI.
  const attributes = await ensureSearchAttributes(client, settings.namespace);
  if (attributes.warning) process.stderr.write(`warning: ${attributes.warning}\n`);
  const handle = await client.workflow
    .start(trainingPipeline, {
      taskQueue: settings.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ config }],
      memo: { modelName: config.modelName, trigger: config.trigger, ...routesMemo(settings) },
      ...(attributes.ok ? { typedSearchAttributes: initialSearchAttributes(config.modelName) } : {}),
      staticSummary: `${config.modelName}: ${config.modelType} on ${config.source} ${config.tickers.join(',')} (${config.period})`,
      staticDetails: `trigger: ${config.trigger}${config.reason ? ` — ${config.reason}` : ''}; holdout ${config.holdout}; approval timeout ${config.approvalTimeout}`,
    })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new RunInProgressError(config.modelName, workflowId);
      throw err;
    });
  return { workflowId, executionRunId: handle.firstExecutionRunId, handle, uiLink: workflowUiLink(settings, workflowId) };
}

/** Another run of the model line is open: a configuration error (exit 3), nothing started. */
export class RunInProgressError extends ConfigError {
  constructor(
    readonly modelName: string,
    readonly workflowId: string,
  ) {
    super(
      `${modelName} already has a training run in progress (${workflowId}): wait for it, decide its approval (npx trainctl status ${workflowId}), or pass --allow-concurrent`,
    );
  }
}

const TERMINAL: PipelineStatus['outcome'][] = ['promoted', 'rejected', 'expired', 'failed', 'skipped', 'cancelled'];

/**
 * Poll the run until it ends or reaches the approval gate (which needs a human), reporting each
 * stage once as it finishes.
 */
export async function followRun(
  client: Client,
  workflowId: string,
  onProgress: (line: string) => void,
  options: { untilGate?: boolean; pollMs?: number; live?: { printer: ProgressPrinter; trials?: number } } = {},
): Promise<PipelineStatus> {
  const seen = new Set<string>();
  const live = options.live;
  // Stage lines stay in the scroll-back; the live line (stage, elapsed, rounds, trials) is redrawn below them.
  const say = live ? (line: string) => live.printer.log(line) : onProgress;
  try {
    for (;;) {
      const s = await readRunStatus(client, workflowId);
      for (const st of s.stages) {
        const key = `${st.name}:${st.state}`;
        if ((st.state === 'running' || st.state === 'done' || st.state === 'failed') && !seen.has(key)) {
          seen.add(key);
          if (st.state === 'running') say(`▶ ${st.name}…`);
          else
            say(
              `${st.state === 'done' ? '✔' : '✖'} ${st.name}${st.ms !== undefined ? ` (${(st.ms / 1000).toFixed(1)} s)` : ''}${st.note ? ` — ${st.note}` : ''}`,
            );
        }
      }
      if (TERMINAL.includes(s.outcome)) return s;
      if (s.outcome === 'awaiting_approval' && (options.untilGate ?? true)) return s;
      if (live) live.printer.update(await readLiveProgress(client, workflowId, s, { trials: live.trials }));
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  } finally {
    live?.printer.done();
  }
}

export function finalJson(s: PipelineStatus, o: { workflowId: string; uiLink: string }) {
  return {
    /** What `status`, `approve` and `reject` take. */
    workflowId: o.workflowId,
    pipelineId: s.pipelineId,
    outcome: s.outcome,
    reason: s.reason ?? null,
    candidateVersion: s.candidateVersion ?? null,
    decision: s.decision ?? null,
    failedCriteria: s.failedCriteria ?? [],
    metrics: s.candidate?.metrics ?? null,
    /** Intervals, the skill test and the paired comparison with production (lib/stats). */
    evidence: s.evidence ?? null,
    forced: s.forced ?? null,
    budget: s.budget ?? null,
    deploy: s.deploy ?? null,
    trading: s.candidate?.trading ?? null,
    production: s.production ?? null,
    buyHold: s.buyHold ?? null,
    cv: s.cv ?? null,
    report: s.report ?? null,
    synthetic: s.synthetic ?? null,
    dataWindow: s.dataWindow ?? null,
    error: s.error ?? null,
    exitCode: exitCodeForStatus(s),
    uiLink: o.uiLink,
  };
}

/**
 * `--output-json PATH` is checked before the run starts: its folder must exist and be writable
 * (and the file, when it exists), else a ConfigError (exit 3) — not a raw ENOENT after the run
 * registered a version.
 */
export async function checkOutputPath(path: string): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new ConfigError(`--output-json ${path}: the folder ${dir} does not exist`);
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new ConfigError(`--output-json ${path} is a folder, expected a file path`);
  try {
    await access(existing ? target : dir, constants.W_OK);
  } catch {
    throw new ConfigError(`--output-json ${path}: ${existing ? 'the file' : `the folder ${dir}`} is not writable`);
  }
}

export async function writeOutputJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
