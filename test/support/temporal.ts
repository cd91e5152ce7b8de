import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { resolvePaths, type Paths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { createTrainingWorker } from '../../workers/worker';

export interface TemporalTestContext {
  address: string;
  connection: NativeConnection;
  client: Client;
  bundle: WorkflowBundleWithSourceMap;
  close(): Promise<void>;
}

/** Connect to the suite's dev server, with the workflow code the global set-up bundled (test/globalSetup.ts). */
export async function connectTestTemporal(): Promise<TemporalTestContext> {
  const address = inject('temporalAddress');
  try {
    // Worker lifecycle chatter at INFO drowns test output; failures still show as WARN/ERROR.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by another test in this process.
  }
  const [connection, clientConnection] = await Promise.all([NativeConnection.connect({ address }), Connection.connect({ address })]);
  const bundle: WorkflowBundleWithSourceMap = { code: readFileSync(inject('workflowBundlePath'), 'utf8'), sourceMap: '' };
  return {
    address,
    connection,
    client: new Client({ connection: clientConnection }),
    bundle,
    close: async () => {
      await clientConnection.close();
      await connection.close();
    },
  };
}

/** A fresh trainctl home (state, models, reports, logs) per test. */
export function tempPaths(prefix = 'trainctl-test-'): Paths {
  return resolvePaths({}, mkdtempSync(join(tmpdir(), prefix)));
}

export function testLogger(paths: Paths) {
  return createLogger({ level: 'silent', logsDir: paths.logsDir });
}

export function uniqueTaskQueue(name: string): string {
  return `test-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Date.now().toString(36)}`;
}

/** A real training worker on the suite's server for one test: a task queue named after it and a fresh trainctl home. */
export async function createTestWorker(
  t: TemporalTestContext,
  o: { name: string; env?: Record<string, string> },
): Promise<{ worker: Worker; taskQueue: string; paths: Paths }> {
  const taskQueue = uniqueTaskQueue(o.name);
  const paths = tempPaths();
  const worker = await createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: { paths, logger: testLogger(paths), env: o.env ?? {}, now: () => new Date(), fetch },
  });
  return { worker, taskQueue, paths };
}
