// A production trainctl worker (createTrainingWorker) in its own process, for the fault suite to
// SIGKILL. Unlike workerProcess.ts it loads a workflow bundle built once by the test, so a
// replacement worker is polling in a second or two rather than after a fresh bundling.
// Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME, TRAINCTL_WORKFLOW_BUNDLE (optional),
// TRAINCTL_WORKER_IDENTITY (optional).
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { resolvePaths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { createTrainingWorker } from '../../workers/worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const paths = resolvePaths();
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const bundlePath = process.env.TRAINCTL_WORKFLOW_BUNDLE;
const worker = await createTrainingWorker({
  connection,
  settings: { namespace: 'default', taskQueue: process.env.TRAINCTL_TASK_QUEUE! },
  deps: { paths, logger: createLogger({ level: 'silent' }), env: {}, now: () => new Date(), fetch },
  ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
  ...(process.env.TRAINCTL_WORKER_IDENTITY ? { identity: process.env.TRAINCTL_WORKER_IDENTITY } : {}),
});
process.stdout.write('ready\n');
await worker.run();
