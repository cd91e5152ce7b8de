// The generated parts of docs/: the settings table of docs/configuration.md (from lib/config/schema.ts)
// and the command reference docs/cli.md (from the commander program, client/program.ts).
// `npx tsx scripts/docs.ts` rewrites them between their BEGIN/END GENERATED markers;
// `npx tsx scripts/docs.ts --check` exits 1 naming every page that disagrees with the code, every link of the repository's
// Markdown that points outside it or at nothing, and every quoted code path that does not exist (test/docs/docs.test.ts checks the same).
import { execFileSync } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Argument, Command, Option } from 'commander';
import { scalarText, SETTINGS } from '../lib/config/schema';
import { buildProgram } from '../client/program';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Text inside backticks in a table cell: only pipes escaped. */
const codeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Text in a table cell: pipes escaped, and angle brackets, which GitHub would take for HTML tags. */
const cell = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? codeCell(part) : codeCell(part).replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
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
    return `| \`${codeCell(o.flags)}\` | ${cell(o.description)}${choices} | ${def ? `\`${codeCell(def)}\`` : ''} |`;
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
  const out = [`### \`${path}\``, '', cell(cmd.description() || '(no description)'), '', '```', usage, '```', ''];
  const aliases = cmd.aliases();
  if (aliases.length) out.push(`Aliases: ${aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
  if (args.length) {
    out.push('| argument | meaning | default |', '|---|---|---|');
    for (const a of args) {
      const choices = a.argChoices ? ` (${a.argChoices.join(', ')})` : '';
      const def = a.defaultValue === undefined ? '' : `\`${codeCell(a.defaultValueDescription ?? JSON.stringify(a.defaultValue))}\``;
      out.push(`| \`${argumentText(a)}\` | ${cell(a.description || '')}${choices} | ${def} |`);
    }
    out.push('');
  }
  out.push(...optionsTable(own));
  if (settingFlags.length === SETTINGS.length)
    out.push(
      `Plus every pipeline setting as a flag (${SETTINGS.length}, see [the settings table](configuration.md#pipeline-settings)).`,
      '',
    );
  else if (settingFlags.length)
    out.push(
      `Plus these pipeline settings as flags (see [the settings table](configuration.md#pipeline-settings)): ${settingFlags.map((o) => `\`${o.long}\``).join(', ')}.`,
      '',
    );
  const notes = helpText(cmd);
  if (notes) out.push('```', notes, '```', '');
  return out;
}

/** What `--help` prints after the options (examples, endpoints): commander keeps it as `afterHelp` listeners. */
function helpText(cmd: Command): string {
  const parts: string[] = [];
  (cmd as unknown as EventEmitter).emit('afterHelp', { error: false, command: cmd, write: (text: string) => parts.push(text) });
  return parts.join('').replace(/^\n+|\s+$/g, '');
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
  return GENERATED.filter((g) => generatedPart(readFileSync(join(root, g.page), 'utf8'), g.name) !== g.render().trim()).map((g) => g.page);
}

// Folders that hold installed, generated or local state, never the repository's own pages.
const EXCLUDED = [
  'node_modules',
  '.venv',
  'dist',
  '.trainctl',
  '.git',
  'reports',
  'logs',
  'test-results',
  'bench/.out',
  'lib/hyperopt/dist',
];
// No page links outside the repository: not to other sites (cite an upstream project by name instead),
// not above the repository root. A link to a site would go here, on purpose and with a reason.
const ALLOWED_EXTERNAL: readonly string[] = [];

const excluded = (file: string) => EXCLUDED.some((d) => file === d || file.startsWith(`${d}/`) || file.includes(`/node_modules/`));

/** The repository's own Markdown files, relative to the root: tracked or new, not ignored. */
export function markdownFiles(): string[] {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    files = walkFiles(ROOT).map((f) => relative(ROOT, f).split(sep).join('/'));
  }
  return files.filter((f) => !excluded(f) && existsSync(join(ROOT, f))).sort();
}

function walkFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const rel = relative(ROOT, path).split(sep).join('/');
    if (excluded(rel)) return [];
    if (statSync(path).isDirectory()) return walkFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text without fenced code blocks and inline code, where brackets and parentheses are not links. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Every link target of a page: inline links and images, reference definitions, autolinks. */
export function linkTargets(text: string): string[] {
  const p = prose(text);
  const targets: string[] = [];
  for (const m of p.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]!);
  for (const m of p.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/gm)) targets.push(m[1]!);
  for (const m of p.matchAll(/<((?:https?|ftp|mailto):[^>\s]+)>/g)) targets.push(m[1]!);
  return targets;
}

/** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** Why a link of `page` is broken, or undefined when it is fine. */
export function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target))
    return ALLOWED_EXTERNAL.some((a) => target.startsWith(a)) ? undefined : 'points outside the repository (an external URL)';
  const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const file = pathPart === '' ? join(ROOT, page) : resolve(ROOT, dirname(page), decodeURIComponent(pathPart));
  const rel = relative(ROOT, file);
  if (rel.startsWith('..') || resolve(ROOT, rel) !== file) return 'points outside the repository';
  if (pathPart.startsWith('/')) return 'is absolute (use a path relative to the page)';
  if (!existsSync(file)) return `names ${rel.split(sep).join('/')}, which does not exist`;
  if (anchor !== undefined && file.endsWith('.md') && !headingAnchors(readFileSync(file, 'utf8')).has(anchor))
    return `names the heading #${anchor}, which ${rel.split(sep).join('/')} does not have`;
  return undefined;
}

/** Every broken link of these pages, as `page: (target) why`. */
export function brokenLinks(pages = markdownFiles()): string[] {
  const broken: string[] = [];
  for (const page of pages)
    for (const target of linkTargets(readFileSync(join(ROOT, page), 'utf8'))) {
      const why = brokenLink(page, target);
      if (why) broken.push(`${page}: (${target}) ${why}`);
    }
  return broken;
}

/** Top-level folders of the code: a `path` in backticks under one of them names a file or folder of the repository. */
const CODE_FOLDERS = ['lib', 'activities', 'workflows', 'workers', 'client', 'scripts', 'test', 'bench', 'docs', 'deploy', 'bin'];

/** Every `lib/…`, `workflows/…`, … path quoted in these pages that does not exist (placeholders such as <model> or NAME skipped). */
export function missingPaths(pages = markdownFiles()): string[] {
  const missing: string[] = [];
  for (const page of pages)
    for (const m of readFileSync(join(ROOT, page), 'utf8').matchAll(/`([^`\s]+)`/g)) {
      const path = m[1]!.replace(/[.,:;]$/, '');
      if (!CODE_FOLDERS.some((d) => path.startsWith(`${d}/`)) || /[<>*…{}|]|\b[A-Z]{2,}\b/.test(path)) continue;
      if (!existsSync(join(ROOT, path))) missing.push(`${page}: \`${path}\` does not exist`);
    }
  return missing;
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const stale = stalePages();
    for (const page of stale) console.error(`${page}: the generated part disagrees with the code; run npx tsx scripts/docs.ts`);
    const broken = [...brokenLinks(), ...missingPaths()];
    for (const line of broken) console.error(line);
    return stale.length || broken.length ? 1 : 0;
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
