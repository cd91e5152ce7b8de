import type { Command } from 'commander';
import { SERVICE_ENV } from '../../lib/config/file';
import { redact, type LoadedConfig } from '../../lib/config/load';
import { getPath, SETTINGS } from '../../lib/config/schema';
import { addRunOptions, loadRunConfig, type RunFlags } from './runOptions';

/** Rows of `config show`: every pipeline setting and every service setting that is set, secrets redacted. */
export function configRows(loaded: LoadedConfig): { key: string; value: unknown; origin: string }[] {
  const rows = SETTINGS.map((s) => ({ key: s.key, value: getPath(loaded.pipeline, s.key), origin: loaded.origins[s.key] ?? 'default' }));
  if (loaded.pipeline.searchSpace !== undefined)
    rows.push({ key: 'searchSpace', value: loaded.pipeline.searchSpace, origin: loaded.origins.searchSpace ?? 'file' });
  for (const [key, env] of Object.entries(SERVICE_ENV)) {
    const value = process.env[env] || getPath(loaded.service, key);
    if (value !== undefined && value !== '') rows.push({ key, value: redact(key, value), origin: loaded.origins[key] ?? 'env' });
  }
  return rows;
}

export function addConfigCommands(program: Command): void {
  const config = program
    .command('config')
    .description('the configuration: defaults < trainctl.config.json < TRAINCTL_* environment < flags');

  addRunOptions(
    config.command('show').description('every setting with its value and where it came from (default, file, env, flag); secrets redacted'),
  )
    .option('--json', 'machine-readable')
    .action((flags: RunFlags & { json?: boolean }) => {
      const loaded = loadRunConfig(flags);
      const rows = configRows(loaded);
      if (flags.json) return console.log(JSON.stringify({ file: loaded.file, settings: rows }, null, 2));
      console.log(`config file: ${loaded.file ?? '(none: ./trainctl.config.json not found)'}`);
      const width = Math.max(...rows.map((r) => r.key.length));
      for (const r of rows) console.log(`${r.key.padEnd(width)}  ${JSON.stringify(r.value) ?? '—'}  [${r.origin}]`);
    });

  config
    .command('validate [file]')
    .description('check a configuration file (default: ./trainctl.config.json) with the environment; exit 3 listing every problem')
    .action((file: string | undefined) => {
      const loaded = loadRunConfig(file === undefined ? {} : { config: file });
      console.log(`${loaded.file ?? 'defaults and environment (no config file)'}: valid`);
    });
}
