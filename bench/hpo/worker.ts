/**
 * bench/hpo's worker process: the trainctl worker (createTrainingWorker), its activities timed
 * inside the worker (the metrics hook every activity already goes through), so the bench can tell
 * the fold's own work from Temporal's dispatch around it. IPC: `{ cmd: 'folds' }` answers with the
 * search activities' executions (evaluateTrial, or evaluateFold in older searches) since the last ask. Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME.
 */
import { PipelineMetrics, type ActivityObservation } from '../../lib/metrics/pipelineMetrics';
import { envWorker } from '../../test/support/envWorker';

let folds: number[] = [];

class FoldTimes extends PipelineMetrics {
  override observe(o: ActivityObservation): void {
    if (o.type === 'evaluateFold' || o.type === 'evaluateTrial') folds.push(o.seconds);
    super.observe(o);
  }
}

const worker = await envWorker({ metrics: new FoldTimes() });

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd !== 'folds') return;
  process.send!({ folds });
  folds = [];
});
process.send!({ ready: true });
await worker.run();
// An explicit exit, so a profile asked for with WORKER_NODE_ARGS='--cpu-prof …' is written.
process.exit(0);
