// The generated parts of docs/: the settings table of docs/configuration.md (from lib/config/schema.ts)
// and the command reference docs/cli.md (from the commander program, client/program.ts).
// `npx tsx scripts/docs.ts` rewrites them between their BEGIN/END GENERATED markers;
// `npx tsx scripts/docs.ts --check` exits 1 naming every page that disagrees with the code (test/docs checks the same).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Argument, Command, Option } from 'commander';
import { scalarText, SETTINGS } from '../lib/config/schema';
import { buildProgram } from '../client/program';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const defaultText = (v: unknown) => (v === undefined ? '—' : Array.isArray(v) ? v.join(',') : scalarText(v));

/** The settings table: one row per pipeline setting, with its flag, config-file key, default and help. */
export function settingsTable(): string {
  const rows = SETTINGS.map(
    (s) =>
      `| \`--${s.flag}${s.arg ? ' ' + s.arg.replace(/[<>]/g, '') : ''}\` | \`${s.key}\` | ${defaultText(s.default)} | ${cell(s.help)}${s.choices ? ` (${s.choices.join(', ')})` : ''} |`,
  );
  return ['| flag | setting (config file key) | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

const SETTING_FLAGS = new Set(SETTINGS.map((s) => `--${s.flag}`));

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function argumentText(a: Argument): string {
  const name = `${a.name()}${a.variadic ? '...' : ''}`;
  return a.required ? `<${name}>` : `[${name}]`;
}

function optionDefault(o: Option): string {
  if (o.defaultValue === undefined) return '';
  return o.defaultValueDescription ?? JSON.stringify(o.defaultValue);
}

function optionsTable(options: readonly Option[]): string[] {
  if (!options.length) return [];
  const rows = options.map((o) => {
    const choices = o.argChoices ? ` (${o.argChoices.join(', ')})` : '';
    const def = optionDefault(o);
    return `| \`${o.flags}\` | ${cell(o.description)}${choices} | ${def ? `\`${cell(def)}\`` : ''} |`;
  });
  return ['| option | meaning | default |', '|---|---|---|', ...rows, ''];
}

function commandSection(cmd: Command): string[] {
  const path = commandPath(cmd);
  const args = cmd.registeredArguments;
  const visible = cmd.options.filter((o) => !o.hidden);
  const settingFlags = visible.filter((o) => o.long !== undefined && SETTING_FLAGS.has(o.long));
  const own = visible.filter((o) => !settingFlags.includes(o));
  const usage = [path, ...args.map(argumentText), ...(visible.length ? ['[options]'] : [])].join(' ');
  const out = [`### \`${path}\``, '', cmd.description() || '(no description)', '', '```', usage, '```', ''];
  const aliases = cmd.aliases();
  if (aliases.length) out.push(`Aliases: ${aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
  if (args.length) {
    out.push('| argument | meaning | default |', '|---|---|---|');
    for (const a of args) {
      const choices = a.argChoices ? ` (${a.argChoices.join(', ')})` : '';
      const def = a.defaultValue === undefined ? '' : `\`${cell(a.defaultValueDescription ?? JSON.stringify(a.defaultValue))}\``;
      out.push(`| \`${argumentText(a)}\` | ${cell(a.description || '')}${choices} | ${def} |`);
    }
    out.push('');
  }
  out.push(...optionsTable(own));
  if (settingFlags.length === SETTINGS.length)
    out.push(`Plus every pipeline setting as a flag (${SETTINGS.length}, see [the settings table](configuration.md#pipeline-settings)).`, '');
  else if (settingFlags.length)
    out.push(
      `Plus these pipeline settings as flags (see [the settings table](configuration.md#pipeline-settings)): ${settingFlags.map((o) => `\`${o.long}\``).join(', ')}.`,
      '',
    );
  return out;
}

function walk(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...walk(c)]);
}

/** The command reference: every command of `trainctl`, depth first, with its arguments, options and defaults. */
export function cliReference(): string {
  const program = buildProgram();
  const commands = walk(program);
  const leaves = commands.filter((c) => c.commands.length === 0);
  const out = [
    `${leaves.length} commands. Global options: ${program.options.map((o) => `\`${o.flags}\``).join(', ')}, and \`-h, --help\` on every command.`,
    '',
    '| command | what it does |',
    '|---|---|',
    ...commands.map((c) => `| [\`${commandPath(c)}\`](#${anchor(commandPath(c))}) | ${cell(c.description())} |`),
    '',
  ];
  for (const c of commands) out.push(...commandSection(c));
  return out.join('\n').trimEnd();
}

/** GitHub's heading anchor of `` `trainctl x y` ``: lower case, punctuation dropped, spaces as dashes. */
function anchor(path: string): string {
  return path
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

export interface GeneratedPart {
  /** Page relative to the repository root. */
  page: string;
  /** Name in the markers: `<!-- BEGIN GENERATED: name … -->` … `<!-- END GENERATED: name -->`. */
  name: string;
  render: () => string;
}

export const GENERATED: readonly GeneratedPart[] = [
  { page: 'docs/configuration.md', name: 'settings', render: settingsTable },
  { page: 'docs/cli.md', name: 'cli', render: cliReference },
];

const begin = (name: string) => `<!-- BEGIN GENERATED: ${name} (npx tsx scripts/docs.ts; do not edit by hand) -->`;
const end = (name: string) => `<!-- END GENERATED: ${name} -->`;

/** The page's text between its markers, or undefined when a marker is missing. */
export function generatedPart(text: string, name: string): string | undefined {
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name));
  if (from < 0 || to < from) return undefined;
  return text.slice(from + begin(name).length, to).trim();
}

/** The page with the text between its markers replaced. */
export function withGenerated(text: string, name: string, content: string): string {
  const from = text.indexOf(begin(name));
  const to = text.indexOf(end(name));
  if (from < 0 || to < from) throw new Error(`no ${begin(name)} … ${end(name)} markers`);
  return `${text.slice(0, from)}${begin(name)}\n\n${content}\n\n${text.slice(to)}`;
}

/** Pages whose generated part disagrees with the code (or lacks its markers). */
export function stalePages(root = ROOT): string[] {
  return GENERATED.filter((g) => generatedPart(readFileSync(join(root, g.page), 'utf8'), g.name) !== g.render().trim()).map(
    (g) => g.page,
  );
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const stale = stalePages();
    for (const page of stale) console.error(`${page}: the generated part disagrees with the code; run npx tsx scripts/docs.ts`);
    return stale.length ? 1 : 0;
  }
  for (const g of GENERATED) {
    const file = join(ROOT, g.page);
    const text = readFileSync(file, 'utf8');
    const next = withGenerated(text, g.name, g.render());
    if (next !== text) {
      writeFileSync(file, next);
      console.log(`${g.page}: rewritten`);
    }
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
