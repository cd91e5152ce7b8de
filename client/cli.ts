import { Command, CommanderError } from 'commander';
import { isTrainctlError } from '../lib/util/errors';
import { EXIT } from './exit';
import { movedCommandHint } from './moved';

/**
 * Commands with a program of their own, so they do not load the whole CLI (bench/cli): the run
 * commands a person types most, and the registry's. Help always comes from the whole program.
 */
const runCommands = async () => (await import('./commands/runCommands')).addRunCommands;
const LIGHT: Record<string, () => Promise<(program: Command) => void>> = {
  status: runCommands,
  approve: runCommands,
  reject: runCommands,
  cancel: runCommands,
  models: async () => (await import('./commands/models')).addModelCommands,
};

async function programFor(argv: string[]): Promise<Command> {
  const light = LIGHT[argv[2] ?? ''];
  if (light && !argv.includes('--help') && !argv.includes('-h')) {
    const program = oneLineErrors(new Command('trainctl').showSuggestionAfterError(true).exitOverride());
    (await light())(program);
    return program;
  }
  return (await import('./program')).buildProgram();
}

/**
 * Commander's own errors on one line: its "(Did you mean --tickers?)" suggestion goes on the same
 * line as the error instead of a second one. Set before commands are added (they inherit it).
 */
export function oneLineErrors(program: Command): Command {
  return program.configureOutput({
    outputError: (text, write) => write(`${text.replace(/\s*\n\((Did you mean [^)]*)\)\s*$/, ' ($1)').trimEnd()}\n`),
  });
}

/** Parse and run; every error ends as one line on stderr and an exit code, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const moved = movedCommandHint(argv.slice(2));
  if (moved) {
    console.error(`error: ${moved}`);
    return EXIT.configError;
  }
  const program = await programFor(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; commander already printed the reason otherwise.
      return err.exitCode === 0 ? EXIT.ok : EXIT.configError;
    }
    const { exitCodeForError } = await import('./exitCodes');
    // A workflow the command waited on failed: its own message and type, never the bare wrapper's.
    const { WorkflowRunError, workflowFailure } = await import('./workflowFailure');
    const failure = workflowFailure(err);
    const error = failure ? new WorkflowRunError('the workflow', failure) : err;
    const code = exitCodeForError(error);
    const message = isTrainctlError(error) ? error.message : ((error as Error)?.message ?? String(error));
    console.error(`trainctl: ${message}`);
    if (process.env.TRAINCTL_DEBUG) console.error(err);
    return code;
  }
}

export async function buildProgram(): Promise<Command> {
  return (await import('./program')).buildProgram();
}
