import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duplicateKeys } from '../../../lib/config/json';
import { effectiveEnv, envNameOf, loadConfig, redact } from '../../../lib/config/load';
import { DEFAULT_PIPELINE_CONFIG, resolvePipelineConfig } from '../../../lib/config/pipeline';
import { getPath, isRealDate, scalarText, pipelineConfigSchema, SETTINGS } from '../../../lib/config/schema';
import { ConfigError } from '../../../lib/util/errors';

const NOW = new Date('2026-11-26T12:00:00Z');
const home = () => mkdtempSync(join(tmpdir(), 'trainctl-config-'));
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return ((err as ConfigError).details as { problems: string[] }).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('the configuration schema', () => {
  it('gives a complete default config, and every flag-bound setting has a flag, help and a default or is optional', () => {
    const c = pipelineConfigSchema.parse({});
    expect(c).toEqual(DEFAULT_PIPELINE_CONFIG);
    expect(c.criteria).toMatchObject({ minAccuracy: 0.6, tolerance: 0, alpha: 0.05, policy: 'non-inferior' });
    const flags = SETTINGS.map((s) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const s of SETTINGS) {
      expect(s.help.length, s.key).toBeGreaterThan(10);
      // The default shown in --help is the one a run gets.
      expect(getPath(c, s.key), s.key).toEqual(s.default);
    }
    expect(SETTINGS.find((s) => s.key === 'period')?.choices).toEqual(['1y', '2y', '3y', '5y', '10y', 'max']);
    expect(envNameOf({ flag: 'min-accuracy' })).toBe('TRAINCTL_MIN_ACCURACY');
  });

  it('reports every problem at once with its key path, the value and what was expected', () => {
    const problems = problemsOf(() =>
      resolvePipelineConfig({
        holdout: '0m',
        asOf: '2024-02-31',
        tickers: [],
        criteria: { minAccuracy: 1.5, alpha: 0.7 },
        trials: 0,
      }),
    );
    const text = problems.join('\n');
    expect(text).toContain('holdout = "0m": expected a window');
    expect(text).toContain('asOf = "2024-02-31": expected a calendar date');
    expect(text).toContain('tickers = []: expected at least one ticker');
    expect(text).toContain('criteria.minAccuracy = 1.5: expected a number from 0 to 1');
    expect(text).toContain('criteria.alpha = 0.7: expected a level in (0, 0.5]');
    expect(text).toContain('trials = 0: expected 1 to 10000');
    expect(problems).toHaveLength(6);
    expect(problemsOf(() => resolvePipelineConfig({ criteria: { policy: 'lenient' } } as never))[0]).toMatch(
      /criteria\.policy = "lenient"/,
    );
  });

  it('refuses unknown settings instead of ignoring them', () => {
    expect(problemsOf(() => resolvePipelineConfig({ tickerz: ['A'] } as never))[0]).toContain('unknown setting "tickerz"');
    expect(problemsOf(() => resolvePipelineConfig({ criteria: { minAcc: 0.5 } } as never))[0]).toMatch(
      /criteria.*unknown setting "minAcc"/,
    );
  });

  it('reports every problem of a search space, not only the first', () => {
    const [p] = problemsOf(() =>
      resolvePipelineConfig({
        searchSpace: { depth: { low: 2, high: 4 }, max_depth: { low: 9, high: 3 }, learning_rate: { low: 0, high: 0.3, log: true } },
      }),
    );
    expect(p).toContain('unknown parameter "depth"');
    expect(p).toContain('"max_depth": int: low 9 must be < high 3');
    expect(p).toContain('"learning_rate": float: log scale needs low > 0');
  });

  it('knows real calendar dates', () => {
    expect(['2024-02-29', '2023-12-31'].every(isRealDate)).toBe(true);
    expect(['2023-02-29', '2024-02-31', '2024-13-01', '24-01-01', '2024-1-1'].some(isRealDate)).toBe(false);
  });
});

describe('loading the configuration: defaults < file < environment < flags', () => {
  it('layers the sources and says where each value came from', () => {
    const dir = home();
    writeFileSync(
      join(dir, 'trainctl.config.json'),
      JSON.stringify({
        pipeline: { tickers: ['AAA', 'BBB'], trials: 12, criteria: { minAccuracy: 0.55 } },
        notifications: { webhookUrl: 'https://hooks.example.com/T0/secret-token' },
      }),
    );
    const loaded = loadConfig({
      cwd: dir,
      env: { TRAINCTL_TRIALS: '20', TRAINCTL_SEED: '7' },
      flags: { seed: '9', 'criteria.minRecall': '0.4' },
      now: NOW,
    });
    expect(loaded.file).toBe(join(dir, 'trainctl.config.json'));
    expect(loaded.pipeline).toMatchObject({
      tickers: ['AAA', 'BBB'],
      trials: 20,
      seed: 9,
      criteria: { minAccuracy: 0.55, minRecall: 0.4, minF1: 0.52 },
    });
    expect(loaded.origins).toMatchObject({
      tickers: 'file',
      trials: 'env',
      seed: 'flag',
      'criteria.minAccuracy': 'file',
      'criteria.minRecall': 'flag',
      period: 'default',
      'notifications.webhookUrl': 'file',
    });
    expect(loaded.serviceEnv.TRAINCTL_WEBHOOK_URL).toBe('https://hooks.example.com/T0/secret-token');
    expect(redact('notifications.webhookUrl', loaded.serviceEnv.TRAINCTL_WEBHOOK_URL)).toBe('https://hooks.example.com/…(redacted)');
    expect(effectiveEnv({ TRAINCTL_HOME: dir, TRAINCTL_WEBHOOK_URL: 'https://other.example.com/x' }).TRAINCTL_WEBHOOK_URL).toBe(
      'https://other.example.com/x',
    );
  });

  it('names the source of a bad value: flag, environment variable or file', () => {
    const dir = home();
    writeFileSync(join(dir, 'trainctl.config.json'), JSON.stringify({ pipeline: { holdout: '0m' } }));
    const problems = problemsOf(() =>
      loadConfig({ cwd: dir, env: { TRAINCTL_TRIALS: 'many' }, flags: { 'criteria.minAccuracy': '2', tickers: '' }, now: NOW }),
    );
    const text = problems.join('\n');
    expect(text).toContain('trials = "many" (from TRAINCTL_TRIALS): expected a number');
    expect(text).toMatch(/holdout = "0m" \(from .*trainctl\.config\.json\)/);
    expect(text).toContain('criteria.minAccuracy = 2 (from --min-accuracy)');
    expect(text).toContain('tickers = [] (from --tickers): expected at least one ticker');
  });

  it('refuses an --as-of in the future, an unknown key, a duplicated key and a bad URL in the file', () => {
    expect(problemsOf(() => loadConfig({ cwd: home(), env: {}, flags: { asOf: '2089-01-01' }, now: NOW }))[0]).toBe(
      'asOf = "2089-01-01" (from --as-of): expected a date not after today (2026-11-26)',
    );
    const dir = home();
    writeFileSync(
      join(dir, 'bad.json'),
      '{"pipeline": {"trials": 3, "trials": 4}, "notifications": {"webhookUrl": "ftp://x"}, "mystery": 1}',
    );
    const text = problemsOf(() => loadConfig({ cwd: dir, env: {}, configPath: 'bad.json', now: NOW })).join('\n');
    expect(text).toContain('"pipeline.trials" is given more than once');
    expect(text).toContain('unknown setting "mystery"');
    expect(text).toContain('notifications.webhookUrl');
    expect(() => loadConfig({ cwd: dir, env: {}, configPath: 'nope.json' })).toThrow(/does not exist/);
  });

  it('finds duplicated keys at any depth', () => {
    expect(duplicateKeys('{"a": 1, "b": {"c": [1, {"d": 1, "d": 2}], "c": 3}, "a": 2}').sort()).toEqual(['a', 'b.c', 'b.c.d'].sort());
    expect(duplicateKeys('{"a": "}", "b": "\\"a\\""}')).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  it('documents every setting flag with its current default', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const s of SETTINGS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`--${s.flag}`));
      expect(row, `--${s.flag} missing from the settings table of docs/configuration.md`).toBeDefined();
      const shown = s.default === undefined ? '—' : Array.isArray(s.default) ? s.default.join(',') : scalarText(s.default);
      expect(row!.split('|')[3]!.trim(), `--${s.flag}`).toBe(shown);
    }
  });
});
