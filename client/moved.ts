/**
 * Commands that moved when the CLI became noun–verb (issue 25): the old spelling exits 3 with one
 * line naming the new one, instead of commander's bare "unknown command".
 */
const MOVED: { old: string[]; now: string }[] = [
  { old: ['drift', 'schedule'], now: 'schedule create --kind drift' },
  { old: ['monitor', 'schedule'], now: 'schedule create --kind monitor' },
  { old: ['rollback'], now: 'models rollback' },
  { old: ['validate'], now: 'models validate <version>' },
];

/** The one-line hint for a moved command in `args` (argv without node and script), or undefined. */
export function movedCommandHint(args: string[]): string | undefined {
  for (const m of MOVED) {
    if (m.old.every((word, i) => args[i] === word))
      return `unknown command '${m.old.join(' ')}': it is now \`trainctl ${m.now}\` (see \`trainctl ${m.now.split(' ')[0]} --help\`)`;
  }
  // `hpo [flags]` started a search before `hpo start` existed.
  const first = args[1];
  if (args[0] === 'hpo' && first?.startsWith('-') && first !== '-h' && first !== '--help')
    return 'a search is started with `trainctl hpo start [flags]` (and shown with `trainctl hpo status <workflowId>`)';
  return undefined;
}
