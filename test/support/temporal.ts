import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { resolvePaths, type Paths } from '../../lib/config/paths';
import { createLogger } from '../../lib/log';
import { workflowsPath } from '../../workers/worker';

export interface TemporalTestContext {
  address: string;
  connection: NativeConnection;
  client: Client;
  bundle: WorkflowBundleWithSourceMap;
  close(): Promise<void>;
}

/** Connect to the suite's dev server and bundle the workflow code once per test file. */
export async function connectTestTemporal(): Promise<TemporalTestContext> {
  const address = inject('temporalAddress');
  try {
    // Worker lifecycle chatter at INFO drowns test output; failures still show as WARN/ERROR.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by another test in this process.
  }
  const [connection, clientConnection, bundle] = await Promise.all([
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
    bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger }),
  ]);
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

const noop = () => {};
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
