import type { TestProject } from 'vitest/node';
import { freePort, startDevServer, type DevServer } from '../client/devServer';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

let server: DevServer | undefined;

/**
 * One real Temporal dev server (the pinned CLI from .venv, or TEMPORAL_CLI_PATH) for the whole
 * run, in memory, headless, on a free loopback port. Started here rather than by the SDK's
 * ephemeral-server helper because that one gives up after 5 s, which a busy 2-core CI machine
 * can exceed. Library tests don't use it; workflow tests read the address with `inject`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TRAINCTL_TEST_TEMPORAL_ADDRESS) {
    project.provide('temporalAddress', process.env.TRAINCTL_TEST_TEMPORAL_ADDRESS);
    return async () => {};
  }
  const port = await freePort();
  server = await startDevServer({ port, startTimeoutMs: 90_000 });
  project.provide('temporalAddress', server.address);
  return async () => {
    await server?.stop();
  };
}
