import { createInterface } from 'node:readline/promises';
import { userInfo } from 'node:os';
import type { PipelineConfigInput } from '../../lib/config/pipeline';
import { workflowUiLink } from '../../lib/config/temporal';
import { connectClient } from '../connection';
import { createRetrainSchedule, ensureDailyScoringSchedule, retrainScheduleId, scheduleExists } from '../schedules';
import { approvalCommands, formatScores } from '../format';
import { runWorkerUntilSignal } from './workerCommand';
import { ensureDevServer } from './devServerCommand';
import { decide } from './decide';
import { buildConfig, followRun, RunInProgressError, startRun } from './run';
import { ProgressPrinter } from '../../lib/progress/render';

/**
 * `npm start`: dev server (reused if running) + worker + one pipeline run on the embedded default,
 * with live progress and the approval gate in the terminal. Server and worker stay up until Ctrl-C.
 */
export async function startCommand(flags: PipelineConfigInput, out: (line: string) => void = console.log): Promise<void> {
  const config = buildConfig(flags);
  const { settings, server } = await ensureDevServer();
  out(
    server
      ? `Temporal dev server started on ${settings.address} (Web UI ${settings.uiUrl})`
      : `Using the Temporal server already on ${settings.address}`,
  );

  const worker = await runWorkerUntilSignal({ logLevel: 'warn', onStopped: () => server?.stop() });
  out(`Worker polling task queue "${settings.taskQueue}" (JSON logs: logs/training.log)`);

  const { client, close } = await connectClient(settings);
  try {
    const scheduleId = retrainScheduleId(config.modelName);
    if (await scheduleExists(client, scheduleId)) out(`Weekly retraining schedule ${scheduleId} is in place.`);
    else {
      const s = await createRetrainSchedule(client, settings, { config, note: 'created by npm start' });
      out(`Created the weekly retraining schedule ${s.scheduleId} ("${s.cron}" ${s.timezone}); see \`npx trainctl schedule describe\`.`);
    }
    // Shadow evidence must not depend on outside traffic: score the newest day after each close.
    const d = await ensureDailyScoringSchedule(client, settings, { config });
    out(
      d.created
        ? `Created the daily scoring schedule ${d.scheduleId} ("${d.cron}" ${d.timezone}).`
        : `Daily scoring schedule ${d.scheduleId} is in place.`,
    );
    const { createPerformanceSchedule, monitorInputFromConfig } = await import('./monitor');
    const m = await createPerformanceSchedule({ client, taskQueue: settings.taskQueue, input: monitorInputFromConfig(config) });
    out(
      m.created
        ? `Created the daily performance monitoring schedule ${m.scheduleId} ("0 7 * * *" UTC).`
        : `Daily performance monitoring schedule ${m.scheduleId} is in place.`,
    );
    let workflowId: string;
    try {
      workflowId = (await startRun(client, settings, config)).workflowId;
      out(`\nStarted ${workflowId}${config.source === 'synthetic' ? ' on the SYNTHETIC embedded market (not real prices)' : ''}`);
    } catch (err) {
      if (!(err instanceof RunInProgressError)) throw err;
      // A run of this model is still open from an earlier start (e.g. waiting for approval): follow it.
      workflowId = err.workflowId;
      out(`\nA run of ${config.modelName} is already open: following ${workflowId}`);
    }
    out(`Follow it in the Web UI: ${workflowUiLink(settings, workflowId)}\n`);
    const printer = ProgressPrinter.forStream(process.stdout);
    const gate = await followRun(client, workflowId, out, {
      untilGate: true,
      live: { printer, trials: config.optimize ? config.trials : undefined },
    });
    if (gate.outcome === 'awaiting_approval') {
      out('');
      out(gate.summary ?? '');
      if (gate.candidate) out('\n' + formatScores(gate.candidate, gate.production ?? null, gate.evidence));
      out(`\nreport: ${gate.report?.html ?? '—'}`);
      out(`\nThe candidate ${gate.candidateVersion} waits for approval until ${gate.approval?.deadline}.`);
      out(approvalCommands(gate));
      if (process.stdin.isTTY && process.stdout.isTTY) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = (await rl.question(`\nPromote ${gate.candidateVersion} to production now? [y/N] `)).trim().toLowerCase();
        rl.close();
        const by = userInfo().username;
        const final = await decide(client, workflowId, answer === 'y' || answer === 'yes' ? 'approve' : 'reject', {
          by,
          comment: 'decided at the npm start prompt',
        });
        out(`outcome: ${final.outcome}${final.reason ? ` — ${final.reason}` : ''}`);
      }
    } else {
      out(`\noutcome: ${gate.outcome}${gate.reason ? ` — ${gate.reason}` : ''}${gate.error ? ` — ${gate.error.message}` : ''}`);
    }
  } finally {
    await close();
  }
  out(`\nServer and worker keep running (Web UI ${settings.uiUrl}). Press Ctrl-C to stop.`);
  await worker.done;
}
