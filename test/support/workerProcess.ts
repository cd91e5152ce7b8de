// A trainctl worker in its own process, so a test can SIGKILL it mid-run.
// Env: TEMPORAL_ADDRESS, TRAINCTL_TASK_QUEUE, TRAINCTL_HOME, TRAINCTL_ARTIFACTS (optional, + AWS_*).
import { envWorker } from './envWorker';

const worker = await envWorker();
process.stdout.write('ready\n');
await worker.run();
