// The trainctl worker as the test and bench worker processes start it, set up from the environment:
// TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME, and TRAINCTL_ARTIFACTS (+ AWS_*) for an
// artefact store shared with other workers (unset: TRAINCTL_HOME). Logs are silent, the SDK's ERROR only.
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { resolvePaths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import type { PipelineMetrics } from '../../lib/metrics/pipelineMetrics';
import { checkStore, openStore } from '../../lib/store';
import { createTrainingWorker } from '../../workers/worker';

export async function envWorker(o: { metrics?: PipelineMetrics } = {}): Promise<Worker> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const store = openStore();
  if (store.kind === 's3') await checkStore(store);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  return createTrainingWorker({
    connection,
    settings: { namespace: 'default', taskQueue: process.env.TRAINCTL_TASK_QUEUE! },
    deps: { paths: resolvePaths(), logger: createLogger({ level: 'silent' }), env: {}, now: () => new Date(), fetch, store },
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
}
