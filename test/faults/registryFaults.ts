import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from '../../lib/config/paths';
import { registryRoot } from '../../lib/registry';
import type { FaultRow } from '../support/faultHarness';
import { spawnWorker, withTimeout } from '../support/faultHarness';
import { checkPipelineHome, faultHome, MODEL, startPipeline, waitForStatus } from './pipelineRuns';
import type { FaultContext } from './workerKills';
import { approveSignal } from '../../workflows/trainingPipeline';

export type RegistryFault = 'read-only' | 'full';

export interface RegistryRun {
  fault: RegistryFault;
  /** Why the fault could not be set up on this machine (the run was not attempted). */
  unavailable?: string;
  failedCleanly: boolean;
  message?: string;
  productionBefore?: string | null;
  productionAfter?: string | null;
  stateUnchanged: boolean;
  tempFiles: string[];
  lost: string[];
  versions?: number;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });

/**
 * Read-only: chmod for an ordinary user; root ignores modes, so it gets the immutable attribute
 * instead (chattr +i: no entry can be created, renamed or removed). Full: the models folder is a
 * small tmpfs, filled to the last byte at the gate. Returns the undo, or why it is unavailable.
 */
interface Breakage {
  /** Break the registry folder (at the gate). */
  before: () => void;
  /** Make it writable again, so the registry can be checked. */
  release: () => void;
  /** Remove whatever the set-up added (a mount). */
  cleanup: () => void;
}

function prepare(fault: RegistryFault, paths: Paths): Breakage | string {
  const root = registryRoot(paths.modelsDir, MODEL);
  const isRoot = process.getuid?.() === 0;
  if (fault === 'read-only') {
    return {
      before: () => (isRoot ? run('chattr', ['-R', '+i', root]) : run('chmod', ['-R', 'a-w', root])),
      release: () => (isRoot ? run('chattr', ['-R', '-i', root]) : run('chmod', ['-R', 'u+w', root])),
      cleanup: () => {},
    };
  }
  if (!isRoot) return 'mounting a small tmpfs needs root';
  try {
    mkdirSync(paths.modelsDir, { recursive: true });
    run('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', paths.modelsDir]);
  } catch (err) {
    return `cannot mount a tmpfs: ${String(err).split('\n')[0]}`;
  }
  const filler = join(paths.modelsDir, 'filler');
  return {
    before: () => {
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (let size = block.length; size >= 1; size = Math.floor(size / 2)) {
          for (;;) {
            try {
              if (writeSync(fd, block, 0, size) < size) break;
            } catch {
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    release: () => rmSync(filler, { force: true }),
    cleanup: () => run('umount', ['-l', paths.modelsDir]),
  };
}

/**
 * A line whose production is v1.0.0 (the reference run's registry, copied) trains its next
 * candidate; at the gate the registry folder becomes read-only or full, and the approval's
 * promotion must fail cleanly with production and the registry state as they were.
 */
export async function promoteIntoBrokenRegistry(
  ctx: FaultContext,
  fault: RegistryFault,
  i: number,
  referenceModels: string,
): Promise<RegistryRun> {
  const paths = faultHome(`registry-${fault}-${i}`);
  const result: RegistryRun = { fault, failedCleanly: false, stateUnchanged: false, tempFiles: [], lost: [] };
  const setup = prepare(fault, paths);
  if (typeof setup === 'string') return { ...result, unavailable: setup };
  cpSync(referenceModels, paths.modelsDir, { recursive: true });
  const taskQueue = `faults-registry-${fault}-${i}-${Date.now().toString(36)}`;
  const worker = await spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: `registry-${fault}-${i}` });
  let released = false;
  try {
    result.productionBefore = (await checkPipelineHome(paths)).productionVersion;
    const handle = await startPipeline(ctx.client, taskQueue, `faults-registry-${fault}-${i}`);
    const gate = await waitForStatus(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done', {
      what: `registry-${fault}-${i} to reach its gate`,
    });
    const statePath = join(registryRoot(paths.modelsDir, MODEL), 'registry.json');
    const stateBefore = readFileSync(statePath, 'utf8');
    setup.before();
    await handle.signal(approveSignal, { version: gate.candidateVersion!, by: 'faults' });
    const failure = await withTimeout(handle.result(), 180_000, `registry-${fault}-${i}'s promotion to end`).then(
      () => undefined,
      (err: Error & { cause?: { message?: string } }) => err.cause?.message ?? err.message,
    );
    const status = await waitForStatus(handle, (s) => s.stage === 'done', { what: `registry-${fault}-${i}'s final status` });
    result.stateUnchanged = readFileSync(statePath, 'utf8') === stateBefore;
    setup.release();
    released = true;
    result.message = failure;
    result.failedCleanly = failure !== undefined && status.outcome === 'failed' && status.error?.stage === 'promote';
    const after = await checkPipelineHome(paths, status);
    result.productionAfter = after.productionVersion;
    result.tempFiles = after.tempFiles;
    result.lost = after.lost;
    result.versions = after.versions;
  } finally {
    if (!released) setup.release();
    await worker.kill();
    setup.cleanup();
  }
  return result;
}

export function registryRows(runs: RegistryRun[]): FaultRow[] {
  return (['read-only', 'full'] as const).map((fault) => {
    const mine = runs.filter((r) => r.fault === fault);
    const attempted = mine.filter((r) => !r.unavailable);
    const ok = attempted.filter((r) => r.failedCleanly && r.stateUnchanged && r.productionAfter === r.productionBefore);
    const versions = [...new Set(attempted.map((r) => r.versions))];
    return {
      scenario: `registry ${fault} during promotion`,
      runs: attempted.length,
      completed: attempted.filter((r) => r.message !== undefined).length,
      correct: ok.length,
      versions: versions.length === 1 ? `${versions[0]} each (production + candidate)` : versions.join(', '),
      tempFiles: attempted.reduce((n, r) => n + r.tempFiles.length, 0),
      dataLost: attempted.reduce((n, r) => n + r.lost.length, 0),
      stalls: [],
      note: mine.find((r) => r.unavailable)?.unavailable ?? `promotion failed, production stays ${attempted[0]?.productionBefore ?? '?'}`,
    };
  });
}
