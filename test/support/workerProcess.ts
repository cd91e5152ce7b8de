// A trainctl worker in its own process, so a test can SIGKILL it mid-run.
// Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME, TRAINCTL_ARTIFACTS (optional, + AWS_*).
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { resolvePaths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { checkStore, openStore } from '../../lib/store';
import { createTrainingWorker } from '../../workers/worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const paths = resolvePaths();
// TRAINCTL_ARTIFACTS (+ AWS_*): the artefact store shared with other workers; unset, TRAINCTL_HOME.
const store = openStore();
if (store.kind === 's3') await checkStore(store);
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await createTrainingWorker({
  connection,
  settings: { namespace: 'default', taskQueue: process.env.TRAINCTL_TASK_QUEUE! },
  deps: { paths, logger: createLogger({ level: 'silent' }), env: {}, now: () => new Date(), fetch, store },
});
process.stdout.write('ready\n');
await worker.run();
