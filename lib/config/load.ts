import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../util/errors';
import { describeJsonSyntaxError } from '../util/jsonSyntax';
import { CONFIG_FILE_NAME, SECRET_KEYS, SERVICE_ENV, serviceSettingsSchema, type ServiceSettings } from './file';
import { duplicateKeys } from './json';
import {
  scalarText,
  formatProblem,
  getPath,
  pipelineConfigSchema,
  problemsOf,
  setPath,
  SETTINGS,
  type ConfigProblem,
  type PipelineConfig,
  type Setting,
} from './schema';

/** Where a value came from, lowest precedence first. */
export type Origin = 'default' | 'file' | 'env' | 'flag' | 'command';

export interface LoadConfigOptions {
  /** Flag values by setting key (`criteria.minAccuracy`), as given on the command line (text or boolean). */
  flags?: Record<string, unknown>;
  /** Values the command itself sets (e.g. `trigger: 'schedule'`), above every other source. */
  command?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** `--config FILE`; else TRAINCTL_CONFIG; else `trainctl.config.json` in `cwd` when it exists. */
  configPath?: string;
  cwd?: string;
  /** "Today", for `--as-of` in the future. */
  now?: Date;
}

export interface LoadedConfig {
  pipeline: PipelineConfig;
  service: ServiceSettings;
  /** Origin of every pipeline setting and of every service setting that is set. */
  origins: Record<string, Origin>;
  file: string | null;
  /** Service settings from the file as the environment variables the worker reads (file < env). */
  serviceEnv: Record<string, string>;
}

const fileSchema = z.object({ pipeline: z.record(z.string(), z.unknown()).optional(), ...serviceSettingsSchema.shape }).strict();

export const envNameOf = (s: Pick<Setting, 'flag'>) => `TRAINCTL_${s.flag.replace(/-/g, '_').toUpperCase()}`;

/**
 * Defaults < config file < environment < flags < command, validated completely before anything
 * starts: every problem at once, each with its key path, the value given, where it came from and
 * what was expected (ConfigError, exit 3).
 */
export function loadConfig(o: LoadConfigOptions = {}): LoadedConfig {
  const env = o.env ?? process.env;
  const problems: string[] = [];
  const file = configFilePath(o, env);
  const fileData = file ? readConfigFile(file, problems) : {};

  const input: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  const put = (key: string, value: unknown, origin: Origin) => {
    setPath(input, key, value);
    origins[key] = origin;
  };
  for (const [key, value] of leaves(fileData.pipeline ?? {})) put(key, value, 'file');
  for (const s of SETTINGS) {
    const text = env[envNameOf(s)];
    if (text === undefined || text === '') continue;
    const parsed = fromText(s, text);
    if (parsed.ok) put(s.key, parsed.value, 'env');
    else problems.push(`${s.key} = ${JSON.stringify(text)} (from ${envNameOf(s)}): ${parsed.message}`);
  }
  for (const s of SETTINGS) {
    const given = o.flags?.[s.key];
    if (given === undefined) continue;
    const parsed = typeof given === 'string' ? fromText(s, given) : { ok: true as const, value: given };
    if (parsed.ok) put(s.key, parsed.value, 'flag');
    else problems.push(`${s.key} = ${JSON.stringify(given)} (from --${s.flag}): ${parsed.message}`);
  }
  if (o.flags?.searchSpace !== undefined) put('searchSpace', o.flags.searchSpace, 'flag');
  for (const [key, value] of Object.entries(o.command ?? {})) if (value !== undefined) put(key, value, 'command');

  const result = pipelineConfigSchema.safeParse(input);
  if (!result.success) problems.push(...problemsOf(result.error, input).map((p) => formatProblem(p, originLabel(p, origins, file))));
  const pipeline = result.success ? result.data : undefined;
  if (pipeline?.asOf !== undefined) {
    const today = (o.now ?? new Date()).toISOString().slice(0, 10);
    if (pipeline.asOf > today) {
      problems.push(
        formatProblem(
          { path: 'asOf', value: pipeline.asOf, message: `expected a date not after today (${today})` },
          originLabel({ path: 'asOf' }, origins, file),
        ),
      );
    }
  }
  if (problems.length > 0 || !pipeline) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, { problems });
  }
  for (const s of SETTINGS) origins[s.key] ??= 'default';
  // A relative csv:DIR means the directory as seen from here (the shell's, or the config file's):
  // the worker resolves paths against its own working directory, which is rarely the same, so the
  // run would read other files than the ones checked before it started.
  for (const key of ['source', 'signals'] as const) {
    const value = pipeline[key];
    if (typeof value !== 'string' || !value.startsWith('csv:') || value.length <= 4 || isAbsolute(value.slice(4))) continue;
    const base = origins[key] === 'file' && file ? dirname(file) : (o.cwd ?? process.cwd());
    (pipeline as Record<string, unknown>)[key] = `csv:${resolve(base, value.slice(4))}`;
  }

  const service: ServiceSettings = {
    schedule: fileData.schedule,
    notifications: fileData.notifications,
    registry: fileData.registry,
    runs: fileData.runs,
    mlflow: fileData.mlflow,
    temporal: fileData.temporal,
    serving: fileData.serving,
  };
  const serviceEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(SERVICE_ENV)) {
    const fromFile = getPath(service, key);
    if (fromFile !== undefined) {
      serviceEnv[name] = Array.isArray(fromFile) ? fromFile.join(',') : scalarText(fromFile);
      origins[key] = 'file';
    }
    if (env[name] !== undefined && env[name] !== '') origins[key] = 'env';
  }
  return { pipeline, service, origins, file, serviceEnv };
}

function configFilePath(o: LoadConfigOptions, env: Record<string, string | undefined>): string | null {
  const cwd = o.cwd ?? env.TRAINCTL_HOME ?? process.cwd();
  const explicit = o.configPath ?? (env.TRAINCTL_CONFIG || undefined);
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path))
      throw new ConfigError(`config file ${path} does not exist (from ${o.configPath !== undefined ? '--config' : 'TRAINCTL_CONFIG'})`);
    return path;
  }
  const found = resolve(cwd, CONFIG_FILE_NAME);
  return existsSync(found) ? found : null;
}

/** Parses and checks the file's shape; problems are collected, never thrown one by one. */
export function readConfigFile(path: string, problems: string[]): z.output<typeof fileSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    problems.push(`${path}: not valid JSON (${describeJsonSyntaxError(text)})`);
    return {};
  }
  for (const key of duplicateKeys(text)) problems.push(`${path}: "${key}" is given more than once`);
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    // A malformed webhook URL is still a credential: the message names the setting, not its value.
    problems.push(...problemsOf(parsed.error, data).map((p) => `${path}: ${formatProblem(redactProblem(p))}`));
    // Keep checking the pipeline section, so its problems are reported in the same run.
    const pipeline = (data as { pipeline?: unknown } | null)?.pipeline;
    return pipeline !== null && typeof pipeline === 'object' && !Array.isArray(pipeline)
      ? { pipeline: pipeline as Record<string, unknown> }
      : {};
  }
  return parsed.data;
}

/** Nested plain objects → [dotted key, value]; arrays and the search space stay whole. */
function leaves(obj: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && key !== 'searchSpace'
      ? leaves(v as Record<string, unknown>, key)
      : [[key, v] as [string, unknown]];
  });
}

function fromText(s: Setting, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (s.fromText) {
    case 'number':
    case 'int': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) return { ok: false, message: `expected a number` };
      return { ok: true, value: n };
    }
    case 'list':
      return {
        ok: true,
        value: text
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      };
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(text)) return { ok: true, value: true };
      if (/^(0|false|no|off)$/i.test(text)) return { ok: true, value: false };
      return { ok: false, message: 'expected true or false' };
    default:
      return { ok: true, value: text };
  }
}

function originLabel(p: Pick<ConfigProblem, 'path'>, origins: Record<string, Origin>, file: string | null): string | undefined {
  const origin = origins[p.path] ?? Object.entries(origins).find(([k]) => k.startsWith(`${p.path}.`) || p.path.startsWith(`${k}.`))?.[1];
  const setting = SETTINGS.find((s) => s.key === p.path);
  switch (origin) {
    case 'flag':
      return setting ? `--${setting.flag}` : p.path === 'searchSpace' ? '--search-space' : 'a flag';
    case 'env':
      return setting ? envNameOf(setting) : 'the environment';
    case 'file':
      return file ?? 'the config file';
    case 'command':
      return 'the command';
    default:
      return undefined;
  }
}

function redactProblem(p: ConfigProblem): ConfigProblem {
  // serving.instances.0 and the like are URLs that may embed tokens too; addresses are not secrets.
  const secret = SECRET_KEYS.has(p.path) || (/^(notifications|mlflow|serving)\./.test(p.path) && !/email/i.test(p.path));
  return secret && typeof p.value === 'string' ? { ...p, value: redactUrl(p.value) } : p;
}

/** A value as `config show` prints it: secrets redacted (a URL keeps its scheme and host). */
export function redact(key: string, value: unknown): unknown {
  if (!SECRET_KEYS.has(key) || typeof value !== 'string') return value;
  return redactUrl(value);
}

function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}/…(redacted)`;
  } catch {
    return '(redacted)';
  }
}

/**
 * The environment as the worker and the CLI should see it: the config file's service settings
 * (webhooks, retention, MLflow, Temporal address …) under their variable names, overridden by
 * the real environment.
 */
export function effectiveEnv(env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  return { ...loadConfig({ env }).serviceEnv, ...env };
}
