import type { PipelineConfig } from '../lib/config/pipeline';
import { retrainConfig } from '../lib/monitoring';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';

/** The retrain configuration from production's own training set-up (see lib/monitoring/retrainConfig). */
export function productionRetrainConfigActivity(deps: ActivityDeps) {
  return async function productionRetrainConfig(input: {
    modelName: string;
    base: PipelineConfig;
  }): Promise<{ config: PipelineConfig; from: string[]; productionVersion: string | null }> {
    const production = await (await registryFor(deps, input.modelName)).production();
    if (!production) return { config: input.base, from: [], productionVersion: null };
    const md = production.metadata;
    const stored = (md.extra as { trainingConfig?: Partial<PipelineConfig> } | undefined)?.trainingConfig;
    const r = retrainConfig({
      base: input.base,
      production: {
        modelType: md.modelType,
        dataSource: md.dataSource,
        labelDefinition: md.labelDefinition,
        ...(stored ? { trainingConfig: stored } : {}),
      },
    });
    return { ...r, productionVersion: production.version };
  };
}
