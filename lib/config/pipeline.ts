import { ConfigError } from '../util/errors';
import { formatProblem, pipelineConfigSchema, problemsOf, type PipelineConfig, type PipelineConfigInput } from './schema';

/**
 * The training pipeline's configuration. Defined once in ./schema.ts (zod): types, defaults,
 * ranges and help texts; this module keeps the names the rest of the code imports. Pure, so
 * workflows may import it.
 */
export {
  MODEL_TYPES,
  PERIODS,
  PRIMARY_METRICS,
  PROMOTION_POLICIES,
  TRIGGERS,
  type ModelType,
  type Period,
  type PipelineConfig,
  type PipelineConfigInput,
  type PromotionCriteria,
  type PromotionPolicy,
  type Trigger,
} from './schema';
export { parseDurationMs } from './duration';

/** The complete defaults (what a run gets when nothing is set). */
export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = pipelineConfigSchema.parse({});

/**
 * Merge input over the defaults and validate all of it; a ConfigError (exit 3) lists every problem
 * with its key path, the value given and what was expected.
 */
export function resolvePipelineConfig(input: PipelineConfigInput = {}): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(stripUndefined(input));
  if (!result.success) {
    const problems = problemsOf(result.error, input).map((p) => formatProblem(p));
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, { problems });
  }
  return result.data;
}

/** Undefined members mean "not given" (commander, partial inputs): drop them, nested sections too. */
function stripUndefined<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, stripUndefined(v)]),
  ) as T;
}

export const DEFAULT_CRITERIA = DEFAULT_PIPELINE_CONFIG.criteria;
