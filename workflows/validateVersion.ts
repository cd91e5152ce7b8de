import { workflowInfo } from '@temporalio/workflow';
import type { ValidationResult } from '../activities/validateVersion';
import type { PipelineConfig } from '../lib/config/pipeline';
import { backtestSettings, featureSettings, fetchSettings, validationReportSettings } from '../lib/config/stageSettings';
import { compareOptions, fetchOptions, computeOptions } from './timeouts';
import { activities } from './routing';

export interface ValidateVersionInput {
  config: PipelineConfig;
  version: string;
}

const io = activities(compareOptions);
const fetching = activities(fetchOptions);
const compute = activities(computeOptions);

/**
 * Backtest a registered version on the current data and write its report: the pipeline's fetch,
 * features and backtest stages with the registered version in the candidate's place. Nothing is
 * registered, promoted or rejected.
 */
export async function validateVersion({ config, version }: ValidateVersionInput): Promise<ValidationResult> {
  const pipelineId = workflowInfo().workflowId;
  const data = await fetching.fetchMarketData({ pipelineId, settings: fetchSettings(config) });
  const features = await compute.buildFeatures({ pipelineId, data, settings: featureSettings(config) });
  const candidate = await io.registeredVersion({ modelName: config.modelName, version, features });
  const backtest = await compute.backtestModel({ pipelineId, features, candidate, settings: backtestSettings(config) });
  return io.writeValidationReport({ pipelineId, settings: validationReportSettings(config), data, version, candidate, backtest });
}
