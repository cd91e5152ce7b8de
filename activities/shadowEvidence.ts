import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic';
import { compareShadow, joinOutcomes, labelDefinitionOf, shadowMarkdown, validRecords, type ShadowComparison } from '../lib/monitoring';
import { readPredictions } from '../lib/predictionLog';
import type { ActivityDeps } from './deps';
import { outcomesFor } from './monitoringOutcomes';
import { registryFor } from './registry';
import { displayLocation, publish } from './storeFiles';
import { withPredictionLog } from './predictionLogStore';

/**
 * Shadow evidence for the approval gate: the candidate's shadow predictions and production's on
 * the same matured ticker-dates, compared pairwise (lib/monitoring/shadowComparison).
 */
export function shadowEvidenceActivity(deps: ActivityDeps) {
  return async function shadowEvidence(input: {
    modelName: string;
    candidateVersion: string;
    seed: number;
    source?: string;
    asOf?: string;
  }): Promise<ShadowComparison & { productionVersion: string | null; report?: string }> {
    const production = await (await registryFor(deps, input.modelName)).production();
    const empty = compareShadow({ candidate: [], production: [], labelHorizon: 5, seed: input.seed });
    if (!production) return { ...empty, note: 'no production model', productionVersion: null };
    const log = await withPredictionLog(deps, input.modelName, (dir) => readPredictions(dir));
    // Nothing scored in shadow yet: no need to fetch outcomes.
    if (!log.records.some((r) => r.role === 'shadow' && r.version === input.candidateVersion)) {
      return { ...empty, note: `no shadow predictions of ${input.candidateVersion} yet`, productionVersion: production.version };
    }
    const { outcomes } = await outcomesFor(deps, production, input);
    const { records } = validRecords(log.records);
    const joined = joinOutcomes({ records: records.filter((r) => r.model === input.modelName), outcomes });
    const rows = (version: string, role: string) =>
      joined.cohorts.find((c) => c.cohort.version === version && c.cohort.role === role)?.rows ?? [];
    const comparison = compareShadow({
      candidate: rows(input.candidateVersion, 'shadow'),
      production: rows(production.version, 'production'),
      labelHorizon: labelDefinitionOf(production.metadata.labelDefinition).horizon,
      seed: input.seed,
    });
    // The refreshed part of the comparison report, next to it: reports/<model>/<candidate>/shadow_comparison.{md,json}.
    const dir = join(deps.paths.reportsDir, input.modelName, input.candidateVersion);
    const markdown = join(dir, 'shadow_comparison.md');
    await writeFileAtomic(
      markdown,
      `${shadowMarkdown({ candidate: input.candidateVersion, production: production.version, comparison })}\n`,
    );
    await writeJsonAtomic(join(dir, 'shadow_comparison.json'), comparison);
    const stored = await publish(deps, markdown);
    await publish(deps, join(dir, 'shadow_comparison.json'));
    return { ...comparison, productionVersion: production.version, report: displayLocation(stored) };
  };
}
