import type { Command } from 'commander';

/** `--help` examples of the everyday commands, by command path: what a person types, with what it does. */
export const EXAMPLES: Record<string, [string, string][]> = {
  start: [
    ['npm start', 'dev server + worker + one run on the embedded synthetic market, approval in this terminal'],
    ['trainctl start --tickers AAPL,MSFT --source yahoo', 'the same on real prices'],
  ],
  worker: [
    ['trainctl worker', 'poll every task queue of the set-up (JSON logs to stdout and logs/training.log)'],
    ['trainctl worker --queues trainctl-compute=1 --metrics-port 9464', 'a compute-only worker with Prometheus metrics'],
  ],
  run: [
    ['trainctl run --wait', 'train on the configuration, follow it to the approval gate'],
    ['trainctl run --tickers AAPL,MSFT --period 5y --source yahoo --wait', 'real prices, five years'],
    ['trainctl run --optimize --trials 30 --wait --json', 'search, then train; one JSON object at the end'],
    ['trainctl run --dry-run --wait', 'every stage, nothing registered'],
  ],
  status: [
    ['trainctl status train-direction-classifier', 'the latest run of a model line: stages, metrics, outcome'],
    ['trainctl status train-direction-classifier --json', 'the same as JSON, with the `outcome` field'],
  ],
  approve: [
    ['trainctl approve train-direction-classifier --by alice --comment "checked the report"', 'promote the waiting candidate'],
    ['trainctl approve train-direction-classifier --by alice --candidate v1.3.0', 'only if v1.3.0 is the one waiting'],
  ],
  reject: [['trainctl reject train-direction-classifier --by alice --comment "holdout too short"', 'reject the waiting candidate']],
  cancel: [
    ['trainctl cancel train-direction-classifier', 'stop the run; nothing more is registered'],
    ['trainctl cancel train-direction-classifier --wait-ms 0', 'request it and return at once'],
  ],
  'models list': [
    ['trainctl models list', 'the versions of the configured model line'],
    ['trainctl models list --all --json', 'every model line, machine-readable'],
  ],
  'schedule create': [
    ['trainctl schedule create', "weekly retraining on the configuration (the config file's schedule.cron, else Sundays 02:00 UTC)"],
    ['trainctl schedule create --cron "0 3 * * 1-5" --paused', 'retraining on weekdays at 03:00, created paused'],
    ['trainctl schedule create --kind drift --auto-retrain', 'daily drift check; a critical drift starts a run'],
    ['trainctl schedule create --kind monitor --auto-rollback', 'daily performance monitoring with automatic rollback'],
  ],
  'hpo start': [
    ['trainctl hpo start --trials 40 --parallel 2 --wait', 'a search of 40 trials, two at a time; prints the best parameters'],
    ['trainctl hpo start --search-space space.json --timeout 2h', 'your own ranges, at most two hours'],
    ['trainctl run --use-best', 'then train with the best parameters found'],
  ],
};

/** The command at a path such as "models list", or undefined. */
export function findCommand(program: Command, path: string): Command | undefined {
  let cmd: Command | undefined = program;
  for (const name of path.split(' ')) cmd = cmd?.commands.find((c) => c.name() === name);
  return cmd;
}

export function addExamples(program: Command): void {
  for (const [path, examples] of Object.entries(EXAMPLES)) {
    const cmd = findCommand(program, path);
    if (!cmd) continue;
    const width = Math.max(...examples.map(([line]) => line.length));
    cmd.addHelpText('after', `\nExamples:\n${examples.map(([line, what]) => `  ${line.padEnd(width)}  # ${what}`).join('\n')}`);
  }
}
