import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_FILE_NAME } from '../lib/config/fileName';

/**
 * The environment with the config file's service settings under it (lib/config/load.ts). The
 * loader (zod, the settings schema) is only imported when there is a config file to read, so
 * `status` and friends start fast without one.
 */
export async function environment(): Promise<Record<string, string | undefined>> {
  const explicit = process.env.TRAINCTL_CONFIG;
  const file = explicit || resolve(process.env.TRAINCTL_HOME ?? process.cwd(), CONFIG_FILE_NAME);
  if (!explicit && !existsSync(file)) return process.env;
  const { effectiveEnv } = await import('../lib/config/load');
  return effectiveEnv();
}
