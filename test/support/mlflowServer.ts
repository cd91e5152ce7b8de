import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../client/devServer';
import { venvPython } from './python';

export interface MlflowServer {
  uri: string;
  stop(): Promise<void>;
}

/**
 * A real MLflow tracking server from the project's .venv, on loopback, with a SQLite backend and a
 * local artifact root served through its artifact proxy. It runs in its own process group because
 * uvicorn spawns workers; stop() ends the whole group.
 */
export async function startMlflowServer(): Promise<MlflowServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-'));
  const port = await freePort();
  const child = spawn(
    venvPython.replace(/python$/, 'mlflow'),
    [
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      '--backend-store-uri',
      `sqlite:///${dir}/mlflow.db`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
    ],
    { detached: true, stdio: 'ignore' },
  );
  const uri = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${uri}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('mlflow server did not start within 120 s');
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    uri,
    stop: async () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}
