import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVEL_HELP, parseLogLevel } from '../lib/log/convention';
import { ensureDevServer } from './commands/devServerCommand';
import { addRunOptions, configFromFlags, type RunFlags } from './commands/runOptions';
import { addDriftCommands } from './commands/drift';
import { addDeploymentCommands } from './commands/deployment';
import { addHpoCommands } from './commands/hpo';
import { addConfigCommands } from './commands/config';
import { addDashboardCommand } from './commands/dashboard';
import { addModelCommands } from './commands/models';
import { addMonitorCommands } from './commands/monitor';
import { addScheduleCommands } from './commands/schedule';
import { addServeCommand } from './commands/serve';
import { addRunCommands } from './commands/runCommands';
import { formatStatus } from './format';
import { oneLineErrors } from './cli';
import { addExamples } from './examples';
import { addRunsListCommand } from './commands/runsList';
import { addRunsPruneCommand } from './commands/runsPrune';

// Modules that load @temporalio/client (~150 ms) or native addons are imported inside the actions
// that use them, so `--help` and local commands start fast (bench/cli).

/** --log-level in the convention's spelling (DEBUG, INFO, WARNING, ERROR in any case) or pino's. */
const logLevelOption = (help: string) =>
  new Option('--log-level <level>', `${help}: ${LOG_LEVEL_HELP}`)
    .argParser((text: string) => {
      const level = parseLogLevel(text);
      if (!level) throw new InvalidArgumentError(`expected ${LOG_LEVEL_HELP}`);
      return level;
    })
    .default('info');

export function buildProgram(): Command {
  const program = new Command('trainctl')
    .description('Durable, scheduled training pipeline for stock-direction models on Temporal')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride();
  oneLineErrors(program);

  program
    .command('dev')
    .description('start (or reuse) the local Temporal dev server with its Web UI; stays up until Ctrl-C')
    .option('--detach', 'leave the server running in the background and return')
    .action(async (o: { detach?: boolean }) => {
      const { settings, server } = await ensureDevServer({ detached: o.detach });
      if (!server) {
        console.log(`A Temporal server is already listening on ${settings.address} (Web UI ${settings.uiUrl}).`);
        return;
      }
      console.log(`Temporal dev server on ${settings.address}, Web UI ${settings.uiUrl} (pid ${server.pid}).`);
      if (o.detach) return;
      console.log('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        const stop = () => void server.stop().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  program
    .command('worker')
    .description('run a worker for the trainctl task queue (JSON logs to stdout and logs/training.log)')
    .addOption(logLevelOption('stdout log level'))
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics (Temporal SDK + pipeline) on this port (default: TRAINCTL_METRICS_PORT; unset: off)',
    )
    .option(
      '--queues <list>',
      'task queues to poll, each optionally with its concurrency: trainctl,trainctl-io=8,trainctl-compute=1 (default: every queue of the set-up; see TRAINCTL_IO_QUEUE / TRAINCTL_COMPUTE_QUEUE)',
    )
    .option(
      '--build-id <id>',
      'this worker build in the Worker Deployment (default: TRAINCTL_BUILD_ID, else derived from the workflow code); the first build becomes current, later ones with `trainctl deployment rollout`',
    )
    .action(async (o: { logLevel: 'info'; metricsPort?: string; queues?: string; buildId?: string }) => {
      // Loaded on demand: the worker pulls in native addons (Temporal core, libxgboost, onnxruntime).
      const { metricsPortFrom, runWorkerUntilSignal } = await import('./commands/workerCommand');
      const metricsPort = o.metricsPort !== undefined ? metricsPortFrom({ TRAINCTL_METRICS_PORT: o.metricsPort }) : undefined;
      const worker = await runWorkerUntilSignal({
        logLevel: o.logLevel,
        ...(metricsPort !== undefined ? { metricsPort } : {}),
        ...(o.queues !== undefined ? { queues: o.queues } : {}),
        ...(o.buildId !== undefined ? { buildId: o.buildId } : {}),
      });
      await worker.done;
    });

  addRunOptions(
    program.command('start').description('what `npm start` runs: dev server + worker + one pipeline run on the embedded default'),
  ).action(async (flags: RunFlags) => {
    const { startCommand } = await import('./commands/startCommand');
    const config = configFromFlags(flags);
    (await import('../lib/hpo')).checkUseBest(config, (await import('../lib/config/paths')).resolvePaths());
    await startCommand(config);
  });

  addRunOptions(program.command('run').description('start a training pipeline run'))
    .option('--wait', 'follow the run until it ends or reaches the approval gate')
    .option('--json', 'with --wait: print one final JSON object (progress goes to stderr)')
    .option('--output-json <path>', 'with --wait: also write the final JSON object to this file')
    .option(
      '--allow-concurrent',
      'start even if another run of this model is open (under a workflow ID of its own, outside the one-run-per-model guard)',
    )
    .addOption(logLevelOption('progress verbosity'))
    .action(
      async (flags: RunFlags & { wait?: boolean; json?: boolean; outputJson?: string; logLevel: string; allowConcurrent?: boolean }) => {
        const { buildConfig, checkOutputPath, finalJson, followRun, startRun, writeOutputJson } = await import('./commands/run');
        const { exitCodeForStatus } = await import('./exitCodes');
        const { connectClient } = await import('./connection');
        const config = buildConfig(configFromFlags(flags));
        (await import('../lib/hpo')).checkUseBest(config, (await import('../lib/config/paths')).resolvePaths());
        if (flags.outputJson) await checkOutputPath(flags.outputJson);
        const { client, settings, close } = await connectClient();
        try {
          // Never two training runs of one model at once: the server refuses a second open run under the model's workflow ID.
          const { workflowId, executionRunId, uiLink } = await startRun(client, settings, config, {
            allowConcurrent: flags.allowConcurrent,
          });
          const progress = flags.json ? (l: string) => console.error(l) : (l: string) => console.log(l);
          const quiet =
            flags.logLevel === 'silent' || flags.logLevel === 'error' || flags.logLevel === 'warn' || flags.logLevel === 'fatal';
          if (!flags.wait) {
            if (flags.json) console.log(JSON.stringify({ workflowId, executionRunId, uiLink }));
            else console.log(`Started ${workflowId} (run ${executionRunId})\nWeb UI: ${uiLink}\nStatus: npx trainctl status ${workflowId}`);
            return;
          }
          progress(`Started ${workflowId} (run ${executionRunId}) — ${uiLink}`);
          // A worker launched a moment ago (`trainctl worker &`) is still loading: give it a bounded grace period to poll.
          const { waitForWorker } = await import('./taskQueue');
          await waitForWorker(client, settings.taskQueue, { onWaiting: quiet ? undefined : progress });
          // Live progress (stage, elapsed, boosting rounds, trials): one redrawn line in a terminal, plain lines otherwise.
          const { ProgressPrinter } = await import('../lib/progress/render');
          const live = quiet
            ? undefined
            : {
                printer: ProgressPrinter.forStream(flags.json ? process.stderr : process.stdout),
                trials: config.optimize ? config.trials : undefined,
              };
          const s = await followRun(client, workflowId, quiet ? () => {} : progress, live ? { live } : {});
          const result = finalJson(s, { workflowId, uiLink });
          if (flags.outputJson) await writeOutputJson(flags.outputJson, result);
          if (flags.json) console.log(JSON.stringify(result));
          else console.log(`\n${formatStatus(s, uiLink)}`);
          process.exitCode = exitCodeForStatus(s);
        } finally {
          await close();
        }
      },
    );

  addRunCommands(program);
  addConfigCommands(program);
  addModelCommands(program);
  addScheduleCommands(program);
  const runs = program.command('runs').description('training runs: list them (Temporal visibility) and prune their scratch space');
  addRunsListCommand(runs);
  addRunsPruneCommand(runs);
  addDriftCommands(program);
  addMonitorCommands(program);
  addDashboardCommand(program);
  addHpoCommands(program);
  addServeCommand(program);
  addDeploymentCommands(program);
  addExamples(program);
  return program;
}
