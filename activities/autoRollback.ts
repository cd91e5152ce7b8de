import {
  appendAutoRollback,
  decideAutoRollback,
  monitorLocations,
  readAutoRollbacks,
  type AutoRollbackRecord,
  type RollbackDecision,
} from '../lib/monitoring';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';
import { updateStoredFiles } from './storedUpdate';

/**
 * The performance monitor's automatic rollback: whether to roll production back to a former
 * production version (lib/monitoring/rollbackPolicy), and the record of one that was made.
 */
export function autoRollbackActivities(deps: ActivityDeps) {
  async function planAutoRollback(input: { modelName: string; coolDownHours: number }): Promise<RollbackDecision> {
    const registry = await registryFor(deps, input.modelName);
    const production = await registry.production();
    if (!production) return { rollback: false, reason: 'no production model' };
    const staging = await registry.staging();
    const former = [];
    for (const s of await registry.list()) {
      if (s.stage !== 'archived') continue;
      const e = await registry.get(s.version);
      const left = e.metadata.stageHistory.filter((h, i, all) => i > 0 && all[i - 1]!.stage === 'production');
      if (left.length) former.push({ version: s.version, leftAt: left.at(-1)!.at });
    }
    return decideAutoRollback({
      now: deps.now().toISOString(),
      production: production.version,
      formerProductions: former,
      history: await updateStoredFiles(deps, [monitorLocations(deps.paths, input.modelName).autoRollbacks], ([path]) =>
        readAutoRollbacks(path!),
      ),
      pendingDecision: staging?.version ?? null,
      coolDownHours: input.coolDownHours,
    });
  }

  async function recordAutoRollback(input: { modelName: string; record: AutoRollbackRecord }): Promise<void> {
    await updateStoredFiles(deps, [monitorLocations(deps.paths, input.modelName).autoRollbacks], ([path]) =>
      appendAutoRollback(path!, input.record),
    );
  }

  return { planAutoRollback, recordAutoRollback };
}
