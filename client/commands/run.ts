import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { PipelineConfigError, resolvePipelineConfig, type PipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { workflowUiLink, type TemporalSettings } from '../../lib/config/temporal';
import { ConfigError } from '../../lib/util/errors';
import { trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { exitCodeForStatus } from '../exitCodes';
import { readRunStatus } from '../runStatus';

export function buildConfig(input: PipelineConfigInput): PipelineConfig {
  try {
    return resolvePipelineConfig(input);
  } catch (err) {
    if (err instanceof PipelineConfigError) throw new ConfigError(err.problems.join('; '));
    throw err;
  }
}

export function newRunId(modelName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
  return `train-${modelName}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function startRun(client: Client, settings: TemporalSettings, config: PipelineConfig, runId = newRunId(config.modelName)) {
  const handle = await client.workflow.start(trainingPipeline, {
    taskQueue: settings.taskQueue,
    workflowId: runId,
    args: [{ config }],
    memo: { modelName: config.modelName, trigger: config.trigger },
    staticSummary: `${config.modelName}: ${config.modelType} on ${config.source} ${config.tickers.join(',')} (${config.period})`,
    staticDetails: `trigger: ${config.trigger}${config.reason ? ` — ${config.reason}` : ''}; holdout ${config.holdout}; approval timeout ${config.approvalTimeout}`,
  });
  return { runId, handle, uiLink: workflowUiLink(settings, runId) };
}

const TERMINAL: PipelineStatus['outcome'][] = ['promoted', 'rejected', 'expired', 'failed', 'skipped'];

/**
 * Poll the run until it ends or reaches the approval gate (which needs a human), reporting each
 * stage once as it finishes.
 */
export async function followRun(
  client: Client,
  runId: string,
  onProgress: (line: string) => void,
  options: { untilGate?: boolean; pollMs?: number } = {},
): Promise<PipelineStatus> {
  const seen = new Set<string>();
  for (;;) {
    const s = await readRunStatus(client, runId);
    for (const st of s.stages) {
      const key = `${st.name}:${st.state}`;
      if ((st.state === 'running' || st.state === 'done' || st.state === 'failed') && !seen.has(key)) {
        seen.add(key);
        if (st.state === 'running') onProgress(`▶ ${st.name}…`);
        else onProgress(`${st.state === 'done' ? '✔' : '✖'} ${st.name}${st.ms !== undefined ? ` (${(st.ms / 1000).toFixed(1)} s)` : ''}${st.note ? ` — ${st.note}` : ''}`);
      }
    }
    if (TERMINAL.includes(s.outcome)) return s;
    if (s.outcome === 'awaiting_approval' && (options.untilGate ?? true)) return s;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}

export function finalJson(s: PipelineStatus, uiLink: string) {
  return {
    runId: s.runId,
    outcome: s.outcome,
    reason: s.reason ?? null,
    candidateVersion: s.candidateVersion ?? null,
    decision: s.decision ?? null,
    failedCriteria: s.failedCriteria ?? [],
    metrics: s.candidate?.metrics ?? null,
    trading: s.candidate?.trading ?? null,
    production: s.production ?? null,
    buyHold: s.buyHold ?? null,
    cv: s.cv ?? null,
    report: s.report ?? null,
    synthetic: s.synthetic ?? null,
    dataWindow: s.dataWindow ?? null,
    error: s.error ?? null,
    exitCode: exitCodeForStatus(s),
    uiLink,
  };
}

export async function writeOutputJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
