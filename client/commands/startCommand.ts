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
import { awaitDecision, formatDecision } from './awaitDecision';
import type { PipelineStatus } from '../../workflows/types';
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

  const worker = await runWorkerUntilSignal({ logLevel: 'warn', makeCurrent: true, onStopped: () => server?.stop() });
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
      // The decision may come from this prompt, another shell (`trainctl approve`) or the Web UI: show whichever comes first.
      const watching = new AbortController();
      const elsewhere = awaitDecision(client, workflowId, { signal: watching.signal }).catch((err: unknown) => {
        // After the prompt answered (or Ctrl-C), a poll in flight may fail as the client closes: nothing to report.
        if (watching.signal.aborted) return undefined;
        throw err;
      });
      let decided: PipelineStatus | undefined;
      if (process.stdin.isTTY && process.stdout.isTTY) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const question = rl
          .question(`\nPromote ${gate.candidateVersion} to production now? [y/N] `, { signal: watching.signal })
          .catch(() => undefined);
        const first = await Promise.race([question.then((answer) => ({ answer })), elsewhere.then((status) => ({ status }))]);
        watching.abort();
        rl.close();
        if ('status' in first && first.status) {
          decided = first.status;
          out(`\n\ndecided elsewhere: ${formatDecision(decided)}`);
        } else if ('answer' in first && first.answer !== undefined) {
          const answer = first.answer.trim().toLowerCase();
          const final = await decide(client, workflowId, answer === 'y' || answer === 'yes' ? 'approve' : 'reject', {
            by: userInfo().username,
            comment: 'decided at the npm start prompt',
          });
          out(`outcome: ${final.outcome}${final.reason ? ` — ${final.reason}` : ''}`);
        }
      } else {
        out('\nWaiting for the decision (trainctl approve/reject in another shell, or the Web UI)…');
        decided = await Promise.race([elsewhere, worker.done.then(() => undefined)]);
        watching.abort();
        if (decided) out(`decided: ${formatDecision(decided)}`);
      }
      if (decided) {
        const final = await followRun(client, workflowId, out, { untilGate: false });
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
