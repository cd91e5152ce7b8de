import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CONFIG_FILE_NAME } from '../../lib/config/fileName';
import { duplicateKeys } from '../../lib/config/json';
import { envNameOf, loadConfig, type LoadedConfig } from '../../lib/config/load';
import { scalarText, SETTINGS, type PipelineConfig, type Setting } from '../../lib/config/schema';
import { ConfigError } from '../../lib/util/errors';
import { describeJsonSyntaxError } from '../../lib/util/jsonSyntax';

/** Commander's view of the flags: one camelCase property per setting flag, plus --config and --search-space. */
export type RunFlags = Record<string, string | boolean | undefined> & { config?: string; searchSpace?: string };

const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `(default: 0.6)` for --help, from the schema's default. */
function defaultText(s: Setting): string {
  if (s.default === undefined || s.default === false) return '';
  return ` (default: ${Array.isArray(s.default) ? s.default.join(',') : scalarText(s.default)})`;
}

/**
 * One option per setting of lib/config/schema.ts (no commander defaults: an absent flag leaves the
 * value to the config file, the environment or the default), plus --config and --search-space.
 */
export function addRunOptions(cmd: Command): Command {
  for (const s of SETTINGS) {
    const option = new Option(`--${s.flag}${s.arg ? ` ${s.arg}` : ''}`, `${s.help}${defaultText(s)}; env ${envNameOf(s)}`);
    if (s.choices) option.choices([...s.choices]);
    cmd.addOption(option);
  }
  return cmd
    .option('--search-space <file.json>', 'ranges for the search, e.g. {"max_depth": {"low": 2, "high": 6}} (see docs/search.md)')
    .option('--config <file>', `configuration file (default: ./${CONFIG_FILE_NAME} when present; env TRAINCTL_CONFIG)`);
}

/** Everything the flags, the config file and the environment say, validated: the complete pipeline config. */
export function loadRunConfig(flags: RunFlags, command: Record<string, unknown> = {}): LoadedConfig {
  const byKey: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const v = flags[camel(s.flag)];
    if (v !== undefined) byKey[s.key] = v;
  }
  if (flags.searchSpace !== undefined) byKey.searchSpace = readSearchSpace(flags.searchSpace);
  return loadConfig({ flags: byKey, command, configPath: flags.config });
}

export function configFromFlags(flags: RunFlags, command: Record<string, unknown> = {}): PipelineConfig {
  return loadRunConfig(flags, command).pipeline;
}

/** The --search-space file: JSON of parameter → {low, high, log?, step?}; its ranges are checked with the config. */
function readSearchSpace(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--search-space: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Where the syntax breaks, never the file's content (it may not be a search space at all).
    throw new ConfigError(`--search-space: ${path} is not valid JSON (${describeJsonSyntaxError(text)})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`--search-space: ${path} must hold an object like {"max_depth": {"low": 2, "high": 6}}`);
  const twice = duplicateKeys(text);
  if (twice.length)
    throw new ConfigError(
      `--search-space: ${path} defines ${twice.map((k) => `"${k}"`).join(', ')} more than once (a parameter needs one range)`,
    );
  return parsed as Record<string, unknown>;
}
