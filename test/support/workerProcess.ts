// A trainctl worker in its own process, so a test can SIGKILL it mid-run.
// Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { resolvePaths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { createTrainingWorker } from '../../workers/worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const paths = resolvePaths();
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await createTrainingWorker({
  connection,
  settings: { namespace: 'default', taskQueue: process.env.TRAINCTL_TASK_QUEUE! },
  deps: { paths, logger: createLogger({ level: 'silent' }), env: {}, now: () => new Date(), fetch },
});
process.stdout.write('ready\n');
await worker.run();
