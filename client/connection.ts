import { createRequire } from 'node:module';
import type * as TemporalClient from '@temporalio/client';
import type { Client, Connection } from '@temporalio/client';
import { resolveTemporalSettings, type TemporalSettings } from '../lib/config/temporal';
import { temporalConnectionOptions } from '../lib/config/temporalConnection';
import { environment } from './environment';
import { ConfigError } from '../lib/util/errors';

export interface ConnectedClient {
  client: Client;
  settings: TemporalSettings;
  // A property, not a method: callers destructure it (`const { client, close } = …`).
  close: () => Promise<void>;
}

/** Connect to Temporal, turning "nothing listens there" into an actionable message. */
// Loaded through require: @temporalio/client is CommonJS, and Node's ESM import of it costs ~20 ms
// more at every CLI start (bench/cli). Same module instance either way (one require cache).
const { Client: ClientClass, Connection: ConnectionClass } = createRequire(import.meta.url)('@temporalio/client') as typeof TemporalClient;

export async function connectClient(given?: TemporalSettings): Promise<ConnectedClient> {
  const env = await environment();
  const settings = given ?? resolveTemporalSettings(env);
  let connection: Connection;
  try {
    connection = await ConnectionClass.connect({ ...temporalConnectionOptions(settings.address, env), connectTimeout: '5s' });
  } catch (err) {
    throw new ConfigError(
      `Cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}). ` +
        'Start the local dev server with `npx trainctl dev` (or `npm start`), or set TEMPORAL_ADDRESS.',
    );
  }
  const client = new ClientClass({ connection, namespace: settings.namespace });
  return { client, settings, close: () => connection.close() };
}
