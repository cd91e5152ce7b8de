import { readFileSync } from 'node:fs';
import { ConfigError } from '../util/errors';

/** What both the client (`Connection`) and the worker (`NativeConnection`) take to reach Temporal securely. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Uint8Array;
    clientCertPair?: { crt: Uint8Array; key: Uint8Array };
  };
  apiKey?: string;
}

/** The variables, named as the `temporal` CLI names them, so one environment serves both tools. */
export const TEMPORAL_CONNECTION_ENV = {
  tls: 'TEMPORAL_TLS',
  caPath: 'TEMPORAL_TLS_CA_PATH',
  certPath: 'TEMPORAL_TLS_CERT_PATH',
  keyPath: 'TEMPORAL_TLS_KEY_PATH',
  serverName: 'TEMPORAL_TLS_SERVER_NAME',
  apiKey: 'TEMPORAL_API_KEY',
} as const;

function readPem(env: Record<string, string | undefined>, name: string): Uint8Array | undefined {
  const path = env[name];
  if (!path) return undefined;
  try {
    const bytes = readFileSync(path);
    if (!bytes.toString('utf8').includes('-----BEGIN ')) throw new Error('not a PEM file');
    return bytes;
  } catch (err) {
    throw new ConfigError(
      `${name}=${path}: cannot read a PEM certificate or key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

/**
 * TLS, mTLS and API-key settings from the environment (Temporal Cloud: TEMPORAL_ADDRESS=<ns>.<acct>.tmprl.cloud:7233
 * with TEMPORAL_TLS_CERT_PATH/TEMPORAL_TLS_KEY_PATH, or TEMPORAL_API_KEY). TLS is on when any TLS
 * variable or an API key is set (Temporal Cloud refuses API keys in the clear); TEMPORAL_TLS=false
 * turns it off explicitly (an API key behind a TLS-terminating proxy on loopback). Inconsistent
 * settings are configuration errors, reported before connecting. The API key itself never appears
 * in an error message.
 */
export function temporalConnectionOptions(
  address: string,
  env: Record<string, string | undefined> = process.env,
): TemporalConnectionOptions {
  const E = TEMPORAL_CONNECTION_ENV;
  const flag = env[E.tls]?.trim().toLowerCase();
  if (flag !== undefined && flag !== '' && !['true', 'false', '1', '0'].includes(flag))
    throw new ConfigError(`${E.tls}=${env[E.tls]}: expected true or false`);
  const ca = readPem(env, E.caPath);
  const crt = readPem(env, E.certPath);
  const key = readPem(env, E.keyPath);
  if (Boolean(crt) !== Boolean(key))
    throw new ConfigError(
      `${crt ? E.certPath : E.keyPath} is set but ${crt ? E.keyPath : E.certPath} is not: mTLS needs both the client certificate and its key`,
    );
  const apiKey = env[E.apiKey]?.trim() || undefined;
  const serverName = env[E.serverName]?.trim() || undefined;
  const explicitOff = flag === 'false' || flag === '0';
  const wantsTls = flag === 'true' || flag === '1' || Boolean(ca || crt || serverName) || (Boolean(apiKey) && !explicitOff);
  if (explicitOff && (ca || crt || serverName))
    throw new ConfigError(
      `${E.tls}=false contradicts ${[ca && E.caPath, crt && E.certPath, serverName && E.serverName].filter(Boolean).join(', ')}`,
    );
  const options: TemporalConnectionOptions = { address };
  if (wantsTls) {
    options.tls = {
      ...(serverName ? { serverNameOverride: serverName } : {}),
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    };
  }
  if (apiKey) options.apiKey = apiKey;
  return options;
}

/** One line for logs and `config show`: how the connection is secured, without any secret. */
export function describeConnection(o: TemporalConnectionOptions): string {
  const parts = [o.address, o.tls ? (o.tls.clientCertPair ? 'mTLS' : 'TLS') : 'plaintext'];
  if (o.tls?.serverRootCACertificate) parts.push('custom CA');
  if (o.tls?.serverNameOverride) parts.push(`server name ${o.tls.serverNameOverride}`);
  if (o.apiKey) parts.push('API key');
  return parts.join(', ');
}
