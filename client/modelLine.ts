import { resolvePaths } from '../lib/config/paths';
import { loadConfig } from '../lib/config/load';
import { DEFAULT_PIPELINE_CONFIG } from '../lib/config/pipeline';
import type { LocalRegistry } from '../lib/registry';
import { parseVersion } from '../lib/registry/version';
import { ConfigError } from '../lib/util/errors';
import { quote } from '../lib/util/quote';

/** The registry of one model line, as the CLI sees it (TRAINCTL_MODELS_DIR or models/). */
export async function openLine(modelName: string): Promise<LocalRegistry> {
  // Imported here: lib/registry loads the store and its S3 client (~120 ms), which `--help` does not need.
  const { openModelLine } = await import('../lib/registry');
  return openModelLine({ modelsDir: resolvePaths().modelsDir, modelName, legacyModelName: DEFAULT_PIPELINE_CONFIG.modelName });
}

/** Every model line with a registry, after migrating a pre-model-line registry. */
export async function allLines(): Promise<string[]> {
  await openLine(DEFAULT_PIPELINE_CONFIG.modelName);
  const { listModelLines } = await import('../lib/registry');
  return listModelLines(resolvePaths().modelsDir);
}

export const MODEL_NAME_OPTION = '--model-name <name>';
export const MODEL_NAME_HELP = "model line (each name has its own versions, stages and pointers; default: the configuration's modelName)";

/** The model line a command acts on: the flag, else the configuration (file, TRAINCTL_MODEL_NAME, default). */
export function resolveModelName(flag: string | undefined): string {
  return loadConfig({ flags: flag === undefined ? {} : { modelName: flag } }).pipeline.modelName;
}

/** A version a person typed: vMAJOR.MINOR.PATCH, else a ConfigError (exit 3) before anything is opened. */
export function checkVersion(v: string): string {
  try {
    parseVersion(v);
  } catch {
    throw new ConfigError(
      `${quote(v, 60)} is not a model version: expected vMAJOR.MINOR.PATCH, e.g. v1.2.0 (see \`npx trainctl models list\`)`,
    );
  }
  return v;
}
