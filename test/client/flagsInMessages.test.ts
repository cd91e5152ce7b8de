import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../client/program';
import { EXAMPLES } from '../../client/examples';

/**
 * Every message names flags and commands that exist (issue 25, item 5). The sources of client/,
 * lib/, activities/ and workflows/ are parsed; each string or template literal that reads as prose
 * (it contains a space: errors, hints, help) is searched for `--flag` and `trainctl <command>`, and
 * each is checked against the commander program itself (buildProgram, every subcommand).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['client', 'lib', 'activities', 'workflows'];

/** Flags of other programs that messages name on purpose, each with the reason. */
const OTHER_PROGRAMS: Record<string, string> = {
  '--serve-artifacts': "`mlflow server`'s flag: the tracking server must serve artifacts (lib/mlflow/client.ts)",
  '--expose-gc': "node's V8 flag, set at run time for a full collection (lib/runs/memory.ts)",
};

/**
 * Messages in files other engineers own that still name an old command; listed here (file and the
 * mention) until they are updated, so this test guards everything else meanwhile.
 */
const PENDING_ELSEWHERE: { file: string; mention: string }[] = [];

interface Literal {
  file: string;
  line: number;
  text: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Prose literals: string literals and the text parts of templates with a space in them. */
function proseLiterals(): Literal[] {
  const out: Literal[] = [];
  for (const path of FOLDERS.flatMap((f) => sourceFiles(join(root, f)))) {
    const file = relative(root, path);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (
        ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)
      ) {
        if (/\s/.test(node.text)) out.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

const program = buildProgram();
/** Commander's own flags, on every command. */
const BUILT_IN = ['--help', '--version'];
const known = new Set([...BUILT_IN, ...allCommands(program).flatMap((c) => c.options.map((o) => o.long ?? ''))]);
const FLAG = /(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*/g;

/** The flags a command accepts: its own and its ancestors'. */
function flagsOf(c: Command): Set<string> {
  const flags = new Set(BUILT_IN);
  for (let x: Command | null = c; x; x = x.parent) for (const o of x.options) if (o.long) flags.add(o.long);
  return flags;
}

/**
 * `trainctl <words> [args]` in a text: the command the words name (undefined when the first word
 * is no command: prose such as "trainctl task queue") and the flags given to it, up to the end of
 * the quoted command (a backtick, a semicolon, a parenthesis or the end of the literal).
 */
function commandMentions(text: string): { mention: string; command?: Command; words: string[]; flags: string[] }[] {
  const out: { mention: string; command?: Command; words: string[]; flags: string[] }[] = [];
  for (const m of text.matchAll(/\btrainctl((?: [a-z][\w-]*)+)?([^`;()\n]*)/g)) {
    const words = (m[1] ?? '').trim().split(' ').filter(Boolean);
    if (!words.length || !program.commands.some((c) => c.name() === words[0])) continue;
    let command: Command = program;
    let used = 0;
    for (const w of words) {
      const next = command.commands.find((c) => c.name() === w);
      if (!next) break;
      command = next;
      used++;
    }
    const rest = `${words.slice(used).join(' ')} ${m[2] ?? ''}`;
    out.push({ mention: m[0].trim(), command, words: words.slice(0, used), flags: [...rest.matchAll(FLAG)].map((f) => f[0]) });
  }
  return out;
}

const pending = (file: string, text: string) => PENDING_ELSEWHERE.some((p) => p.file === file && text.includes(p.mention));

describe('messages name flags and commands that exist', () => {
  const literals = proseLiterals();

  it('finds the messages (the scan is not vacuous)', () => {
    expect(literals.length).toBeGreaterThan(500);
    expect(literals.some((l) => l.file === 'activities/checkNewData.ts' && l.text.includes('--ignore-new-data'))).toBe(true);
    // --force exists but forces promotion: the skip message used to name it for training anyway.
    expect(literals.filter((l) => /--force to train anyway/.test(l.text))).toEqual([]);
  });

  it('every --flag in a message is an option of the program, or of another program listed with its reason', () => {
    const unknown = literals.flatMap((l) =>
      [...l.text.matchAll(FLAG)]
        .map((m) => m[0])
        .filter((flag) => !known.has(flag) && !(flag in OTHER_PROGRAMS))
        .map((flag) => `${l.file}:${l.line} ${flag} in ${JSON.stringify(l.text.slice(0, 120))}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every `trainctl <command> --flag` names a runnable command and flags that command takes', () => {
    const wrong: string[] = [];
    for (const l of literals) {
      if (pending(l.file, l.text)) continue;
      for (const m of commandMentions(l.text)) {
        if (!m.command || m.command.commands.length > 0) {
          wrong.push(`${l.file}:${l.line} "${m.mention}": \`trainctl ${m.words.join(' ')}\` needs a subcommand`);
          continue;
        }
        const flags = flagsOf(m.command);
        for (const flag of m.flags)
          if (!flags.has(flag)) wrong.push(`${l.file}:${l.line} "${m.mention}": \`trainctl ${m.words.join(' ')}\` has no ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the --help examples run commands and flags that exist', () => {
    const wrong: string[] = [];
    for (const [path, examples] of Object.entries(EXAMPLES)) {
      for (const [line] of examples) {
        if (line.startsWith('npm ')) continue;
        const [m] = commandMentions(line);
        if (!m?.command || m.command.commands.length > 0) wrong.push(`${path}: "${line}" is no command`);
        else for (const flag of m.flags) if (!flagsOf(m.command).has(flag)) wrong.push(`${path}: "${line}": no ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('catches a wrong flag and an old command (the checks are live)', () => {
    const [old] = commandMentions('run `trainctl hpo --model-type xgb` first');
    expect(old!.command!.commands.length).toBeGreaterThan(0);
    const [flag] = commandMentions('see `trainctl models list --bogus`');
    expect(flagsOf(flag!.command!).has('--bogus')).toBe(false);
    expect(known.has('--force')).toBe(true);
    expect(known.has('--ignore-new-data')).toBe(true);
  });
});
