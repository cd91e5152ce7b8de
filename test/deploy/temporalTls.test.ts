import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeConnection, temporalConnectionOptions } from '../../lib/config/temporalConnection';
import { parseAddress } from '../../client/devServer';

// A TLS-terminating proxy on loopback in front of the suite's dev server (which speaks plaintext
// only), with a throw-away CA made by openssl: TLS and mTLS as a team cluster or Temporal Cloud
// would ask for them.
const dir = mkdtempSync(join(tmpdir(), 'temporal-tls-'));
const pem = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeCerts(): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=trainctl test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  const leaf = (name: string, cn: string, ext: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(pem(`${name}.ext`), ext);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    );
  };
  leaf('server', 'temporal.test', 'subjectAltName=DNS:temporal.test\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'trainctl-worker', 'extendedKeyUsage=clientAuth\n');
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=stranger',
    '-keyout',
    'other.key',
    '-out',
    'other.pem',
  );
}

function tlsProxy(target: string, mutual: boolean): Promise<{ server: Server; address: string }> {
  const { host, port } = parseAddress(target);
  const server = createServer(
    {
      key: readFileSync(pem('server.key')),
      cert: readFileSync(pem('server.pem')),
      ALPNProtocols: ['h2'],
      ...(mutual ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(pem('ca.pem')) } : {}),
    },
    (socket: TLSSocket) => {
      const upstream = netConnect({ host, port });
      socket.pipe(upstream).pipe(socket);
      const close = () => (socket.destroy(), upstream.destroy());
      socket.on('error', close);
      upstream.on('error', close);
    },
  );
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done({ server, address: `127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

let tlsOnly: { server: Server; address: string };
let mutual: { server: Server; address: string };

beforeAll(async () => {
  makeCerts();
  const target = inject('temporalAddress');
  [tlsOnly, mutual] = await Promise.all([tlsProxy(target, false), tlsProxy(target, true)]);
});
afterAll(() => {
  tlsOnly?.server.close();
  mutual?.server.close();
});

async function clientWorks(address: string, env: Record<string, string>): Promise<boolean> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(address, env), connectTimeout: '2s' });
  try {
    const info = await connection.workflowService.getSystemInfo({});
    return Boolean(info.serverVersion);
  } finally {
    await connection.close();
  }
}

async function workerConnects(address: string, env: Record<string, string>): Promise<boolean> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(address, env));
  try {
    return Boolean((await connection.workflowService.getSystemInfo({})).serverVersion);
  } finally {
    await connection.close();
  }
}

const serverTls = () => ({ TEMPORAL_TLS_CA_PATH: pem('ca.pem'), TEMPORAL_TLS_SERVER_NAME: 'temporal.test' });
const clientPair = (name = 'client') => ({ TEMPORAL_TLS_CERT_PATH: pem(`${name}.pem`), TEMPORAL_TLS_KEY_PATH: pem(`${name}.key`) });

describe('Temporal over TLS and mTLS (a TLS-terminating proxy on loopback)', () => {
  it('connects the CLI client and the worker over TLS with the CA and server name from the environment', async () => {
    expect(await clientWorks(tlsOnly.address, serverTls())).toBe(true);
    expect(await workerConnects(tlsOnly.address, serverTls())).toBe(true);
    expect(describeConnection(temporalConnectionOptions(tlsOnly.address, serverTls()))).toBe(
      `${tlsOnly.address}, TLS, custom CA, server name temporal.test`,
    );
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    await expect(clientWorks(tlsOnly.address, { TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'temporal.test' })).rejects.toThrow();
  });

  it('with mTLS, connects with the client certificate and is refused without one or with a stranger', async () => {
    const env = { ...serverTls(), ...clientPair() };
    expect(await clientWorks(mutual.address, env)).toBe(true);
    expect(await workerConnects(mutual.address, env)).toBe(true);
    expect(describeConnection(temporalConnectionOptions(mutual.address, env))).toContain('mTLS');
    await expect(clientWorks(mutual.address, serverTls())).rejects.toThrow();
    await expect(clientWorks(mutual.address, { ...serverTls(), ...clientPair('other') })).rejects.toThrow();
  });
});

describe('Temporal connection settings', () => {
  it('is plaintext by default and turns TLS on for an API key, never showing the key', () => {
    expect(temporalConnectionOptions('127.0.0.1:7233', {})).toEqual({ address: '127.0.0.1:7233' });
    const cloud = temporalConnectionOptions('ns.acct.tmprl.cloud:7233', { TEMPORAL_API_KEY: 'sk-very-secret' });
    expect(cloud).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'sk-very-secret' });
    expect(describeConnection(cloud)).toBe('ns.acct.tmprl.cloud:7233, TLS, API key');
    expect(temporalConnectionOptions('127.0.0.1:7233', { TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBeUndefined();
  });

  it('reports inconsistent or unreadable settings as one-line configuration errors', () => {
    expect(() => temporalConnectionOptions('a:1', { TEMPORAL_TLS_CERT_PATH: pem('client.pem') })).toThrow(
      'TEMPORAL_TLS_CERT_PATH is set but TEMPORAL_TLS_KEY_PATH is not: mTLS needs both the client certificate and its key',
    );
    expect(() => temporalConnectionOptions('a:1', { TEMPORAL_TLS_CA_PATH: join(dir, 'missing.pem') })).toThrow(
      `TEMPORAL_TLS_CA_PATH=${join(dir, 'missing.pem')}: cannot read a PEM certificate or key (ENOENT)`,
    );
    expect(() => temporalConnectionOptions('a:1', { TEMPORAL_TLS_CA_PATH: pem('server.ext') })).toThrow(/not a PEM file/);
    expect(() => temporalConnectionOptions('a:1', { TEMPORAL_TLS: 'maybe' })).toThrow('TEMPORAL_TLS=maybe: expected true or false');
    expect(() => temporalConnectionOptions('a:1', { TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_PATH: pem('ca.pem') })).toThrow(
      'TEMPORAL_TLS=false contradicts TEMPORAL_TLS_CA_PATH',
    );
  });
});
