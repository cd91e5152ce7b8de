import type { Command } from 'commander';
import { ConfigError } from '../../lib/util/errors';
import { allLines, checkVersion, MODEL_NAME_HELP, MODEL_NAME_OPTION, openLine, resolveModelName } from '../modelLine';
import { addRollbackCommand } from './rollback';
import { addValidateCommand } from './validate';

const fmt = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

export function addModelCommands(program: Command): void {
  const models = program.command('models').description('the model registry and its versions: list, show, validate, roll back, prune');

  models
    .command('list')
    .description('every version of a model line with its stage, date and key holdout metrics')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--all', 'every model line, one table each')
    .option('--json', 'machine-readable')
    .action(async (o: { json?: boolean; modelName?: string; all?: boolean }) => {
      const names = o.all ? await allLines() : [resolveModelName(o.modelName)];
      const byLine = await Promise.all(names.map(async (name) => ({ modelName: name, versions: await (await openLine(name)).list() })));
      if (o.json) return console.log(JSON.stringify(o.all ? byLine : byLine[0]!.versions, null, 2));
      for (const { modelName, versions: rows } of byLine) {
        if (o.all) console.log(`\n${modelName}`);
        if (rows.length === 0) {
          console.log(`No versions of ${modelName} registered yet: run \`npx trainctl run --model-name ${modelName}\` (or \`npm start\`).`);
          continue;
        }
        console.log(
          `${'version'.padEnd(10)} ${'stage'.padEnd(11)} ${'created'.padEnd(20)} ${'type'.padEnd(7)} ${'accuracy'.padEnd(9)} ${'baseline'.padEnd(9)} ${'f1'.padEnd(7)} auc`,
        );
        for (const r of rows) {
          const m = r.metrics;
          console.log(
            `${r.version.padEnd(10)} ${r.stage.padEnd(11)} ${r.createdAt.slice(0, 19).padEnd(20)} ${r.modelType.padEnd(7)} ${fmt(m.accuracy).padEnd(9)} ${fmt(m.baselineAccuracy).padEnd(9)} ${fmt(m.f1).padEnd(7)} ${fmt(m.rocAuc)}`,
          );
        }
      }
    });

  models
    .command('show <version>')
    .description('metadata, files and report of one version of a model line')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--json', 'machine-readable')
    .action(async (version: string, o: { json?: boolean; modelName?: string }) => {
      // The version first: a bad one must not create the model line's folder.
      const wanted = checkVersion(version);
      const registry = await openLine(resolveModelName(o.modelName));
      const entry = await registry.get(wanted);
      if (o.json) return console.log(JSON.stringify(entry, null, 2));
      const md = entry.metadata;
      console.log(`${entry.version} — ${entry.stage}`);
      console.log(`created   ${md.createdAt} by pipeline ${md.runId}`);
      console.log(`type      ${md.modelType} ${JSON.stringify(md.params)}`);
      console.log(
        `data      ${md.dataSource.source} ${md.dataSource.window.start} … ${md.dataSource.window.end}${md.dataSource.tickers ? ` (${md.dataSource.tickers.join(', ')})` : ''}`,
      );
      console.log(`schema    ${md.schemaHash.slice(0, 16)}…  features ${md.featureSetHash.slice(0, 16)}…`);
      console.log(
        `metrics   ${Object.entries(md.metrics)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(' · ')}`,
      );
      console.log('files');
      for (const f of Object.values(entry.files)) console.log(`  ${f.name.padEnd(26)} ${f.sha256.slice(0, 16)}…  ${f.location}`);
      const report = Object.values(entry.files).find((f) => f.name.endsWith('.html'));
      if (report) console.log(`report    ${report.location}`);
      console.log('history');
      for (const h of md.stageHistory) console.log(`  ${h.at}  ${h.stage.padEnd(10)} by ${h.by}: ${h.reason}`);
    });

  models
    .command('prune')
    .description('remove old versions: keeps production, staging and the N newest archives')
    .requiredOption('--keep <n>', 'archived versions to keep')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .action(async (o: { keep: string; modelName?: string }) => {
      const keep = Number(o.keep);
      if (!Number.isInteger(keep) || keep < 0) throw new ConfigError(`--keep expects a whole number ≥ 0, got "${o.keep}"`);
      const registry = await openLine(resolveModelName(o.modelName));
      const { removed } = await registry.prune({ keep });
      console.log(removed.length ? `removed ${removed.join(', ')}` : 'nothing to remove');
    });

  addValidateCommand(models);
  addRollbackCommand(models);
}
