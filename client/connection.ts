import { Client, Connection } from '@temporalio/client';
import { resolveTemporalSettings, type TemporalSettings } from '../lib/config/temporal';
import { effectiveEnv } from '../lib/config/load';
import { ConfigError } from '../lib/util/errors';

export interface ConnectedClient {
  client: Client;
  settings: TemporalSettings;
  // A property, not a method: callers destructure it (`const { client, close } = …`).
  close: () => Promise<void>;
}

/** Connect to Temporal, turning "nothing listens there" into an actionable message. */
export async function connectClient(settings: TemporalSettings = resolveTemporalSettings(effectiveEnv())): Promise<ConnectedClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.address, connectTimeout: '5s' });
  } catch (err) {
    throw new ConfigError(
      `Cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}). ` +
        'Start the local dev server with `npx trainctl dev` (or `npm start`), or set TEMPORAL_ADDRESS.',
    );
  }
  const client = new Client({ connection, namespace: settings.namespace });
  return { client, settings, close: () => connection.close() };
}
