// Production trainctl workers (createTrainingWorker) in one process of their own, for the fault
// suite to SIGKILL: one worker per task queue listed in TRAINCTL_FAULT_QUEUES (JSON
// [{ taskQueue, home }]: each run of a wave has its own queue and trainctl home, so one kill hits
// every run the process serves). Unlike workerProcess.ts it loads a workflow bundle built once by
// the test, so a replacement process is polling in a second or two rather than after a bundling.
// Env: TEMPORAL_ADDRESS, TRAINCTL_FAULT_QUEUES, TRAINCTL_WORKFLOW_BUNDLE (optional),
// TRAINCTL_WORKER_IDENTITY (optional), TRAINCTL_FAULT_HOLD (optional, workers/faultHooks.ts),
// TRAINCTL_FAULT_START_FILE (optional: poll only once this file exists).
import { existsSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { resolvePaths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { openStore } from '../../lib/store';
import { createTrainingWorker } from '../../workers/worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const queues = JSON.parse(process.env.TRAINCTL_FAULT_QUEUES!) as { taskQueue: string; home: string }[];
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const bundlePath = process.env.TRAINCTL_WORKFLOW_BUNDLE;
const identity = process.env.TRAINCTL_WORKER_IDENTITY ?? `fault-worker-${process.pid}`;
const workers = await Promise.all(
  queues.map(({ taskQueue, home }) =>
    createTrainingWorker({
      connection,
      settings: { namespace: 'default', taskQueue },
      deps: {
        paths: resolvePaths({}, home),
        logger: createLogger({ level: 'silent' }),
        env: {},
        now: () => new Date(),
        fetch,
        // Each run's own home is its artefact store unless TRAINCTL_ARTIFACTS names a shared one.
        store: openStore({ env: { ...process.env, TRAINCTL_HOME: home } }),
      },
      ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
      identity,
    }),
  ),
);
process.stdout.write('ready\n');
// A replacement started before the kill waits here, ready, until the harness says go (the file appears).
const startFile = process.env.TRAINCTL_FAULT_START_FILE;
while (startFile && !existsSync(startFile)) await new Promise((resolve) => setTimeout(resolve, 10));
await Promise.all(workers.map((w) => w.run()));
