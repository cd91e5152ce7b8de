/**
 * The bench's worker process: the trainctl worker (createTrainingWorker) plus an IPC channel on
 * which the bench asks for its idle RSS and then for lib/runs' memory release (full GC +
 * malloc_trim), to show what stays after the runs. Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME.
 */
import { readFileSync } from 'node:fs';
import { releaseMemory } from '../../lib/runs/memory';
import { envWorker } from '../../test/support/envWorker';

const worker = await envWorker();

const statusKb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd !== 'release') return;
  const idleKb = statusKb('VmRSS');
  // The same release the activities schedule when the worker goes quiet (lib/runs/memory).
  void releaseMemory().then(() => {
    const m = process.memoryUsage();
    process.send!({ idleKb, releasedKb: statusKb('VmRSS'), heapUsed: m.heapUsed, external: m.external });
  });
});
process.send!({ ready: true });
await worker.run();
