import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServerOnFreePorts, type DevServer } from '../client/devServer';
import { startS3Server, type S3Endpoint, type S3Server } from './support/s3Server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    s3Endpoint: S3Endpoint;
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;
let s3: S3Server | undefined;
let bundleDir: string | undefined;

/**
 * One real Temporal dev server (the pinned CLI from .venv, or TEMPORAL_CLI_PATH) for the whole
 * run, in memory, headless, on a free loopback port. Started here rather than by the SDK's
 * ephemeral-server helper because that one gives up after 5 s, which a busy 2-core CI machine
 * can exceed. Library tests don't use it; workflow tests read the address with `inject`.
 *
 * Beside it, one real S3 server (SeaweedFS from .venv, see support/s3Server.ts) with a test
 * bucket, for the artifact store and the registry on S3: tests read it with `inject('s3Endpoint')`.
 *
 * And the workflow code, bundled once for every file that runs a worker (support/temporal.ts):
 * webpack takes ~2.6 s of CPU a bundle, which two dozen files would each pay again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardown = async (): Promise<void> => {
    await Promise.all([server?.stop(), s3?.stop()]);
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  };
  const started = await Promise.allSettled([startTemporal(project), startS3(project), bundleWorkflows(project)]);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  return teardown;
}

async function startTemporal(project: TestProject): Promise<void> {
  if (process.env.TRAINCTL_TEST_TEMPORAL_ADDRESS) {
    project.provide('temporalAddress', process.env.TRAINCTL_TEST_TEMPORAL_ADDRESS);
    return;
  }
  server = await startDevServerOnFreePorts({ startTimeoutMs: 90_000 });
  project.provide('temporalAddress', server.address);
}

async function startS3(project: TestProject): Promise<void> {
  s3 = await startS3Server({ startTimeoutMs: 90_000 });
  const { endpoint, accessKeyId, secretAccessKey, region, bucket } = s3;
  project.provide('s3Endpoint', { endpoint, accessKeyId, secretAccessKey, region, bucket });
}

async function bundleWorkflows(project: TestProject): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { workflowsPath } = await import('../workers/worker');
  const noop = () => {};
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  bundleDir = mkdtempSync(join(tmpdir(), 'trainctl-test-bundle-'));
  const path = join(bundleDir, 'workflow-bundle.js');
  writeFileSync(path, bundle.code);
  project.provide('workflowBundlePath', path);
}
