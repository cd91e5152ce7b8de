/**
 * bench/hpo's worker process: the trainctl worker (createTrainingWorker), its activities timed
 * inside the worker (the metrics hook every activity already goes through), so the bench can tell
 * the fold's own work from Temporal's dispatch around it. IPC: `{ cmd: 'folds' }` answers with the
 * search activities' executions (evaluateTrial, or evaluateFold in older searches) since the last ask. Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { resolvePaths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { PipelineMetrics, type ActivityObservation } from '../../lib/metrics/pipelineMetrics';
import { createTrainingWorker } from '../../workers/worker';

let folds: number[] = [];

class FoldTimes extends PipelineMetrics {
  override observe(o: ActivityObservation): void {
    if (o.type === 'evaluateFold' || o.type === 'evaluateTrial') folds.push(o.seconds);
    super.observe(o);
  }
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await createTrainingWorker({
  connection,
  settings: { namespace: 'default', taskQueue: process.env.TRAINCTL_TASK_QUEUE! },
  deps: { paths: resolvePaths(), logger: createLogger({ level: 'silent' }), env: {}, now: () => new Date(), fetch },
  metrics: new FoldTimes(),
});

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd !== 'folds') return;
  process.send!({ folds });
  folds = [];
});
process.send!({ ready: true });
await worker.run();
// An explicit exit, so a profile asked for with WORKER_NODE_ARGS='--cpu-prof …' is written.
process.exit(0);
