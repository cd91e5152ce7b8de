import { describe, expect, inject, it } from 'vitest';
import { changes, expectOneLine, pool, runCli, snapshot, tempHome, writeFiles } from './support';

/**
 * Issue 16, item 8: every command and every input file a person hands the CLI, malformed, empty,
 * huge, of the wrong type or hostile. Each must end in one line and the exit code of its class
 * (3: configuration) and write nothing into the home. The CLI runs against the suite's dev server
 * on a task queue nobody polls: a bad input that slipped past validation would start a workflow
 * (exit 0) instead of failing, so the test also proves validation happens before anything starts.
 */

interface Case {
  name: string;
  args: string[];
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** What the one line must say. */
  says: RegExp;
  code?: number;
  /** A gap in a file this suite does not own, reported in .trainctl/helpers/badinput.md: expected to fail until fixed. */
  gap?: string;
}

const AS_OF = ['--as-of', '2026-10-30'];
const long = (n: number) => 'a'.repeat(n);
const json = (v: unknown) => JSON.stringify(v);
/** A recognisable credential: no message may echo it. */
const SECRET = 'tok3n-S3CRET-bad1nput';

const runFlags: Case[] = [
  { name: 'empty ticker list', args: ['run', '--tickers', ''], says: /tickers .*expected at least one ticker/ },
  {
    name: 'control character in a ticker',
    args: ['run', '--tickers', 'SYN-A\u0001'],
    says: /tickers\.0 = "SYN-A\\u0001".*expected a symbol/,
  },
  {
    name: 'a universe over the configured limit',
    args: ['run', ...AS_OF, '--max-tickers', '3', '--tickers', 'SYN-A,SYN-B,SYN-C,SYN-D'],
    says: /4 tickers exceed the limit of 3 \(raise it with --max-tickers\)/,
  },
  {
    name: 'a universe whose estimated memory exceeds what the worker may use',
    args: [
      'run',
      ...AS_OF,
      '--period',
      '10y',
      '--worker-memory-mb',
      '512',
      '--tickers',
      Array.from({ length: 80 }, (_, i) => `SYN-${i}`).join(','),
    ],
    says: /80 tickers × 10y need an estimated \d+ MB on the training worker, more than the 512 MB it may use/,
  },
  { name: 'path traversal as a ticker', args: ['run', '--tickers', '../../etc/passwd'], says: /expected a symbol/ },
  { name: 'a 50,000-character ticker', args: ['run', '--tickers', long(50_000)], says: /expected a symbol/ },
  {
    name: 'path traversal as a model name',
    args: ['run', '--model-name', '../../etc'],
    says: /modelName = "\.\.\/\.\.\/etc".*lowercase letters/,
  },
  { name: 'a 1,000-character model name', args: ['run', '--model-name', long(1000)], says: /modelName = "a+.*expected 1–63/ },
  { name: 'unknown period', args: ['run', '--period', '5x'], says: /'--period <period>' argument '5x' is invalid/ },
  { name: 'negative holdout', args: ['run', '--holdout', '-6m'], says: /holdout/ },
  { name: 'impossible as-of date', args: ['run', '--as-of', '2026-02-30'], says: /asOf = "2026-02-30".*calendar date/ },
  { name: 'as-of date in the future', args: ['run', '--as-of', '2999-01-01'], says: /asOf = "2999-01-01".*not after today/ },
  { name: 'as-of date without zero padding', args: ['run', '--as-of', '2026-1-1'], says: /asOf = "2026-1-1"/ },
  { name: 'NaN threshold', args: ['run', '--min-accuracy', 'NaN'], says: /criteria\.minAccuracy = "NaN".*expected a number/ },
  { name: 'Infinity trials', args: ['run', '--trials', 'Infinity'], says: /trials = "Infinity".*expected a number/ },
  { name: 'fractional trials', args: ['run', '--trials', '2.5'], says: /trials = 2\.5/ },
  { name: 'threshold above 1', args: ['run', '--min-accuracy', '1.5'], says: /criteria\.minAccuracy = 1\.5/ },
  { name: 'negative seed', args: ['run', '--seed', '-1'], says: /seed = -1/ },
  { name: 'zero label horizon', args: ['run', '--label-horizon', '0'], says: /labelHorizon = 0/ },
  { name: 'negative cost', args: ['run', '--cost-bps', '-5'], says: /backtest\.costBps = -5/ },
  { name: 'unparseable duration', args: ['run', '--approval-timeout', 'forever'], says: /approvalTimeout = "forever"/ },
  { name: 'unknown source', args: ['run', '--source', 'ftp://example.com/prices'], says: /source/ },
  { name: 'csv source without a directory', args: ['run', '--source', 'csv:'], says: /source/ },
  {
    name: 'unknown flag',
    args: ['run', '--tickerz', 'AAPL'],
    says: /unknown option '--tickerz'/,
  },
  {
    name: 'signals from a missing directory',
    args: ['run', ...AS_OF, '--signals', 'csv:./nope'],
    says: /signals: cannot read directory .*nope \(ENOENT\)/,
  },
];

const sig = (text: string): Pick<Case, 'args' | 'files'> => ({
  args: ['run', ...AS_OF, '--tickers', 'SYN-A,SYN-B', '--signals', 'csv:./sig'],
  files: { 'sig/s.csv': text },
});
const signalFiles: Case[] = [
  { name: 'signals: empty file', ...sig(''), says: /s\.csv:1:1: expected a header starting "date,ticker,"/ },
  { name: 'signals: header only, no signal column', ...sig('date,ticker\n'), says: /s\.csv:1:3: expected at least one signal column/ },
  { name: 'signals: a name that collides with a feature', ...sig('date,ticker,rsi_14\n'), says: /s\.csv:1:3: .*rsi_14/ },
  { name: 'signals: path traversal as a signal name', ...sig('date,ticker,../x\n'), says: /s\.csv:1:3: signal name "\.\.\/x"/ },
  { name: 'signals: a 10,000-character header', ...sig(`date,ticker,${long(10_000)}\n`), says: /signal name "a{40}…"/ },
  { name: 'signals: unknown ticker', ...sig('date,ticker,mood\n2026-01-05,SYN-Q,1\n'), says: /s\.csv:2:2: unknown ticker "SYN-Q"/ },
  {
    name: 'signals: control characters in a ticker cell',
    ...sig('date,ticker,mood\n2026-01-05,SYN-A\u001b[31m,1\n'),
    says: /s\.csv:2:2: unknown ticker "SYN-A\\u001b\[31m"/,
  },
  {
    name: 'signals: duplicated date',
    ...sig('date,ticker,mood\n2026-01-05,SYN-A,1\n2026-01-05,SYN-A,2\n'),
    says: /s\.csv:3:1: duplicate date 2026-01-05 for SYN-A/,
  },
  { name: 'signals: impossible date', ...sig('date,ticker,mood\n2026-02-30,SYN-A,1\n'), says: /s\.csv:2:1: "2026-02-30" is not a date/ },
  {
    name: 'signals: date after as-of',
    ...sig('date,ticker,mood\n2026-11-02,SYN-A,1\n'),
    says: /s\.csv:2:1: date 2026-11-02 is after the run's as-of date/,
  },
  {
    name: 'signals: Infinity',
    ...sig('date,ticker,mood\n2026-01-05,SYN-A,Infinity\n'),
    says: /s\.csv:2:3: "Infinity" in column mood is not a number/,
  },
  {
    name: 'signals: hex number',
    ...sig('date,ticker,mood\n2026-01-05,SYN-A,0x10\n'),
    says: /s\.csv:2:3: "0x10" in column mood is not a number/,
  },
  {
    name: 'signals: a huge cell',
    ...sig(`date,ticker,mood\n2026-01-05,SYN-A,${'9'.repeat(400)}x\n`),
    says: /s\.csv:2:3: "9{40}…" in column mood/,
  },
  { name: 'signals: short row', ...sig('date,ticker,mood,buzz\n2026-01-05,SYN-A,1\n'), says: /s\.csv:2:4: expected 4 cells, found 3/ },
];

const cfg = (text: string, extra: string[] = []): Pick<Case, 'args' | 'files'> => ({
  args: ['run', '--config', 'c.json', ...extra],
  files: { 'c.json': text },
});
const configFiles: Case[] = [
  {
    name: 'config: missing file',
    args: ['run', '--config', 'missing.json'],
    says: /config file .*missing\.json does not exist \(from --config\)/,
  },
  {
    name: 'config: missing file named by TRAINCTL_CONFIG',
    args: ['run'],
    env: { TRAINCTL_CONFIG: 'gone.json' },
    says: /gone\.json does not exist \(from TRAINCTL_CONFIG\)/,
  },
  { name: 'config: empty file', ...cfg(''), says: /c\.json: not valid JSON \(the file is empty\)/ },
  { name: 'config: truncated JSON', ...cfg('{"pipeline": {"trials": 3'), says: /c\.json: not valid JSON \(the text ends too early\)/ },
  {
    name: 'config: NaN token',
    ...cfg('{"pipeline": {"criteria": {"minAccuracy": NaN}}}\n'),
    says: /c\.json: not valid JSON \(unexpected 'N' at line 1, column 43\)/,
  },
  { name: 'config: a directory', args: ['run', '--config', '.'], says: /cannot read \(EISDIR\)/ },
  { name: 'config: an array', ...cfg('[1, 2]'), says: /c\.json: \(top level\) = \[1,2\]: .*expected object/ },
  { name: 'config: null', ...cfg('null'), says: /c\.json: \(top level\) = null/ },
  { name: 'config: unknown key', ...cfg(json({ pipelin: {} })), says: /unknown setting "pipelin"/ },
  { name: 'config: prototype pollution key', ...cfg('{"__proto__": {"trials": 1}}'), says: /unknown setting "__proto__"/ },
  { name: 'config: wrong type', ...cfg(json({ pipeline: { trials: 'many' } })), says: /trials = "many" \(from .*c\.json\)/ },
  {
    name: 'config: 1e999 is Infinity',
    ...cfg('{"pipeline": {"criteria": {"minAccuracy": 1e999}}}'),
    says: /criteria\.minAccuracy = Infinity/,
  },
  {
    name: 'config: duplicated key',
    ...cfg('{"pipeline": {"trials": 3, "trials": 4}}'),
    says: /"pipeline\.trials" is given more than once/,
  },
  {
    name: 'config: a 100,000-character model name',
    ...cfg(json({ pipeline: { modelName: long(100_000) } })),
    says: /modelName = "a+.*expected 1–63/,
  },
  {
    name: 'config: a 5 MB file of unknown keys',
    ...cfg(json(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i])))),
    says: /unknown settings "k0", "k1"/,
  },
  {
    name: 'config: path traversal in the models dir is not a setting',
    ...cfg(json({ paths: { models: '../../etc' } })),
    says: /unknown setting "paths"/,
  },
  {
    name: 'config: a malformed webhook URL is not echoed',
    ...cfg(json({ notifications: { slackWebhookUrl: `ftp://hooks.example.com/services/${SECRET}` } })),
    says: /notifications\.slackWebhookUrl = "ftp:\/\/hooks\.example\.com\/…\(redacted\)".*expected an http\(s\) URL/,
  },
  {
    name: 'config: a token after broken JSON is not echoed',
    ...cfg(`{"notifications": {"webhookUrl": "https://hooks.example.com/${SECRET}"} x`),
    says: /c\.json: not valid JSON \(unexpected 'x' at line 1, column \d+\)/,
  },
  {
    name: 'config: smtp URL that is not one',
    ...cfg(json({ notifications: { smtpUrl: `user:${SECRET}@mail` } })),
    says: /notifications\.smtpUrl = "[^"]*\(redacted\)"/,
  },
];

const envValues: Case[] = [
  {
    name: 'env: non-number',
    args: ['run'],
    env: { TRAINCTL_MIN_ACCURACY: 'abc' },
    says: /criteria\.minAccuracy = "abc" \(from TRAINCTL_MIN_ACCURACY\): expected a number/,
  },
  { name: 'env: Infinity', args: ['run'], env: { TRAINCTL_TRIALS: 'Infinity' }, says: /trials = "Infinity" \(from TRAINCTL_TRIALS\)/ },
  { name: 'env: only commas', args: ['run'], env: { TRAINCTL_TICKERS: ',,,' }, says: /tickers .*expected at least one ticker/ },
  {
    name: 'env: not a boolean',
    args: ['run'],
    env: { TRAINCTL_USE_BEST: 'maybe' },
    says: /useBest = "maybe" \(from TRAINCTL_USE_BEST\): expected true or false/,
  },
  { name: 'env: newline in a model name', args: ['run'], env: { TRAINCTL_MODEL_NAME: 'a\nb' }, says: /modelName = "a\\nb"/ },
  { name: 'env: config show refuses too', args: ['config', 'show'], env: { TRAINCTL_SEED: '1e30' }, says: /seed = 1e\+30/ },
];

const space = (text: string, cmd = 'hpo'): Pick<Case, 'args' | 'files'> => ({
  args: cmd === 'hpo' ? ['hpo', 'start', '--search-space', 's.json'] : ['run', '--optimize', '--search-space', 's.json'],
  files: { 's.json': text },
});
const searchSpaces: Case[] = [
  { name: 'space: empty file', ...space(''), says: /s\.json is not valid JSON/ },
  { name: 'space: an array', ...space('[]'), says: /must hold an object/ },
  {
    name: 'space: string bounds',
    ...space(json({ max_depth: { low: 'a', high: 3 } })),
    says: /"max_depth": int: "low" and "high" must be numbers/,
  },
  { name: 'space: inverted range', ...space(json({ max_depth: { low: 10, high: 3 } })), says: /"max_depth": int: low 10 must be < high 3/ },
  { name: 'space: Infinity bound', ...space('{"subsample": {"low": 0.5, "high": 1e999}}'), says: /"subsample".*(finite|out of range)/ },
  {
    name: 'space: subsample above 1',
    ...space(json({ subsample: { low: 0.5, high: 2 } })),
    says: /"subsample": high 2 is out of range \(\(0, 1\]\)/,
  },
  {
    name: 'space: 10^12 boosting rounds',
    ...space(json({ n_estimators: { low: 10, high: 1e12 } })),
    says: /"n_estimators": high 1000000000000 is out of range/,
  },
  {
    name: 'space: zero boosting rounds',
    ...space(json({ n_estimators: { low: 0, high: 10 } }), 'run'),
    says: /"n_estimators": low 0 is out of range/,
  },
  {
    name: 'space: negative learning rate',
    ...space(json({ learning_rate: { low: -1, high: 0.3 } })),
    says: /"learning_rate": low -1 is out of range/,
  },
  { name: 'space: negative L2', ...space(json({ reg_lambda: { low: -5, high: 1 } })), says: /"reg_lambda": low -5 is out of range/ },
  { name: 'space: unknown parameter', ...space(json({ max_dept: { low: 1, high: 3 } })), says: /unknown parameter "max_dept"/ },
  {
    name: 'space: /etc/passwd',
    args: ['hpo', 'start', '--search-space', '../../../../../../etc/passwd'],
    says: /etc\/passwd is not valid JSON/,
  },
];

const best = (text: string, extra: string[] = []): Pick<Case, 'args' | 'files'> => ({
  args: ['run', '--use-best', ...extra],
  files: { 'models/direction-classifier/best_hyperparameters.json': text },
});
const valid = { value: 0.69, metric: 'walk-forward log loss', engine: 'xgboost' };
const bestFiles: Case[] = [
  { name: 'best: empty', ...best(''), says: /best_hyperparameters\.json: not valid JSON \(the file is empty\)/ },
  { name: 'best: not an object', ...best('"x"'), says: /best_hyperparameters\.json: \(top level\)/ },
  {
    name: 'best: string value',
    ...best(json({ ...valid, params: { maxDepth: '4' } })),
    says: /parameter "maxDepth" = "4": expected a number/,
  },
  {
    name: 'best: fractional depth',
    ...best(json({ ...valid, params: { maxDepth: 4.5 } })),
    says: /parameter "maxDepth" = 4\.5: expected a whole number/,
  },
  { name: 'best: subsample 5', ...best(json({ ...valid, params: { subsample: 5 } })), says: /subsample=5 is out of range/ },
  { name: 'best: zero depth', ...best(json({ ...valid, params: { maxDepth: 0 } })), says: /max_depth=0 is out of range/ },
  {
    name: 'best: another engine',
    ...best(json({ ...valid, params: { numLeaves: 31 } })),
    says: /parameter "numLeaves" is not a xgboost hyperparameter/,
  },
  {
    name: 'best: lightgbm file for xgb',
    ...best(json({ ...valid, engine: 'lightgbm', params: {} })),
    says: /written by a lightgbm search/,
  },
  {
    name: 'best: lgb out of range',
    ...best(json({ ...valid, engine: 'lightgbm', params: { numLeaves: 1 } }), ['--model-type', 'lgb']),
    says: /num_leaves=1 is out of range/,
  },
  { name: 'best: NaN score', ...best(`{"value": NaN, "params": {}}`), says: /not valid JSON \(unexpected 'N'/ },
];

const otherCommands: Case[] = [
  { name: 'hpo: zero trials', args: ['hpo', 'start', '--trials', '0'], says: /trials/ },
  { name: 'hpo: zero parallel', args: ['hpo', 'start', '--parallel', '0'], says: /parallel/i },
  { name: 'hpo: bad timeout', args: ['hpo', 'start', '--timeout', 'soon'], says: /timeout/i },
  {
    name: 'models show: path traversal',
    args: ['models', 'show', '../../etc'],
    says: /"\.\.\/\.\.\/etc" is not a model version/,
  },
  {
    name: 'models show: control characters',
    args: ['models', 'show', 'v1.0.0\u001b[2J'],
    says: /"v1\.0\.0\\u001b\[2J" is not a model version/,
  },
  {
    name: 'models show: traversal in model name',
    args: ['models', 'show', 'v1.0.0', '--model-name', '../x'],
    says: /modelName = "\.\.\/x"/,
  },
  { name: 'models prune: negative keep', args: ['models', 'prune', '--keep', '-1'], says: /--keep expects a whole number ≥ 0, got "-1"/ },
  { name: 'models list: bad model name', args: ['models', 'list', '--model-name', 'A B'], says: /modelName = "A B"/ },
  {
    name: 'models rollback: path in version',
    args: ['models', 'rollback', '--to', 'v1/../..', '--by', 'a', '--reason', 'r'],
    says: /"v1\/\.\.\/\.\." is not a model version/,
  },
  {
    name: 'models rollback: empty approver',
    args: ['models', 'rollback', '--previous', '--by', '', '--reason', 'r'],
    says: /--by/,
  },
  { name: 'approve: no --by', args: ['approve', 'train-x'], says: /required option '--by <name>'/ },
  { name: 'approve: empty --by', args: ['approve', 'train-x', '--by', ''], says: /--by NAME must not be empty/ },
  {
    name: 'approve: control characters in --by',
    args: ['approve', 'train-x', '--by', 'bob\u001b[31m'],
    says: /--by/,
  },
  {
    name: 'schedule create: bad cron',
    args: ['schedule', 'create', '--cron', 'not a cron'],
    says: /--cron "not a cron" must have 5 fields/,
  },
  {
    name: 'schedule create: unknown time zone',
    args: ['schedule', 'create', '--timezone', 'Mars/Base'],
    says: /--timezone "Mars\/Base" is not an IANA time zone/,
  },
  {
    name: 'schedule backfill: impossible date',
    args: ['schedule', 'backfill', '--from', '2026-13-01', '--to', '2026-01-01'],
    says: /--from/,
  },
  {
    name: 'schedule backfill: from after to',
    args: ['schedule', 'backfill', '--from', '2026-02-01', '--to', '2026-01-01'],
    says: /--from/,
  },
  { name: 'models validate: path as version', args: ['models', 'validate', '../../x'], says: /"\.\.\/\.\.\/x" is not a version/ },
  { name: 'drift check: zero window', args: ['drift', 'check', '--window', '0'], says: /--window expects whole trading days ≥ 5, got "0"/ },
  { name: 'serve: port out of range', args: ['serve', '--port', '99999'], says: /--port "99999" must be a port number/ },
  { name: 'serve: A/B share above 1', args: ['serve', '--ab-fraction', '2'], says: /--ab-fraction "2" must be a share from 0 to 1/ },
  { name: 'config validate: missing file', args: ['config', 'validate', 'nofile.json'], says: /nofile\.json/ },
  {
    name: 'config validate: /etc/passwd is not echoed',
    args: ['config', 'validate', '/etc/passwd'],
    says: /passwd: not valid JSON \(unexpected 'r' at line 1, column 1\)/,
  },
];

const matrix: [string, Case[]][] = [
  ['run flags', runFlags],
  ['signal files', signalFiles],
  ['config file', configFiles],
  ['environment', envValues],
  ['search space file', searchSpaces],
  ['best_hyperparameters.json', bestFiles],
  ['other commands', otherCommands],
];

interface Outcome {
  code: number;
  stderr: string;
  stdout: string;
  changed: string[];
}

/** Each case in a fresh home; its input files are written first, then the home is snapshotted. */
async function attempt(c: Case, address: string, timeoutMs?: number): Promise<Outcome> {
  const home = tempHome('badinput');
  writeFiles(home, c.files ?? {});
  const before = snapshot(home);
  const r = await runCli({
    args: c.args,
    home,
    env: { TEMPORAL_ADDRESS: address, TRAINCTL_TASK_QUEUE: `badinput-nobody-polls-${process.pid}`, ...c.env },
    timeoutMs,
  });
  return { ...r, changed: changes(before, snapshot(home)) };
}

function check(c: Case, r: Outcome): void {
  const label = `${c.name}: exit ${r.code}, stderr ${r.stderr.slice(0, 400)}`;
  expect(r.code, label).toBe(c.code ?? 3);
  expect(expectOneLine(r.stderr), label).toBeUndefined();
  expect(r.stderr, label).toMatch(c.says);
  expect(r.stderr, label).not.toMatch(/Cannot reach Temporal|no worker/);
  expect(r.stderr + r.stdout, label).not.toContain(SECRET);
  expect(r.changed, label).toEqual([]);
}

const address = inject('temporalAddress');

describe.each(matrix)('bad input: %s', (_group, cases) => {
  const closed = cases.filter((c) => !c.gap);
  const gaps = cases.filter((c) => c.gap);
  it(`${closed.length} inputs: one line, exit 3, nothing written, nothing started`, async () => {
    const outcomes = await pool(closed, 2, (c) => attempt(c, address));
    const failures: string[] = [];
    closed.forEach((c, i) => {
      try {
        check(c, outcomes[i]!);
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0]!);
      }
    });
    expect(failures).toEqual([]);
  }, 600_000);
  // Reported gaps in files owned elsewhere: these fail today; when one is fixed, its `gap` mark goes.
  if (gaps.length > 0)
    it.fails.each(gaps.map((c) => [c.gap!, c] as const))(
      'known gap: %s',
      async (_gap, c) => {
        check(c, await attempt(c, address));
      },
      120_000,
    );
});
