import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/load';
import { ConfigError } from '../../../lib/util/errors';

const load = (env: Record<string, string>, flags: Record<string, unknown> = {}) =>
  loadConfig({ env, flags, cwd: '/nonexistent-dir-for-config' });

describe('settings of issue 19 (schema-derived: flags, environment, defaults)', () => {
  it('defaults: no patterns, no signals, lag 1, no warm start', () => {
    const { pipeline } = load({});
    expect(pipeline.candlestickPatterns).toBeUndefined();
    expect(pipeline.signals).toBeUndefined();
    expect(pipeline.signalLagDays).toBe(1);
    expect(pipeline.warmStart).toBe(false);
    expect(pipeline.compareFull).toBe(false);
  });

  it('reads them from the environment and flags', () => {
    const { pipeline, origins } = load(
      { TRAINCTL_CANDLESTICK_PATTERNS: 'doji, engulfing', TRAINCTL_SIGNAL_LAG_DAYS: '2', TRAINCTL_WARM_START: 'true' },
      { signals: 'csv:/data/signals', compareFull: true },
    );
    expect(pipeline).toMatchObject({
      candlestickPatterns: ['doji', 'engulfing'],
      signalLagDays: 2,
      warmStart: true,
      signals: 'csv:/data/signals',
      compareFull: true,
    });
    expect(origins.signals).toBe('flag');
    expect(origins.candlestickPatterns).toBe('env');
    expect(load({}, { signals: 'synthetic' }).pipeline.signals).toBe('synthetic');
  });

  it('refuses bad values, naming the setting and where it came from (exit 3)', () => {
    const cases: [Record<string, string>, Record<string, unknown>, RegExp][] = [
      [
        { TRAINCTL_CANDLESTICK_PATTERNS: 'doji,kicker' },
        {},
        /candlestickPatterns\.1 = "kicker" \(from the environment\): expected candlestick patterns among engulfing, hammer, /,
      ],
      [
        {},
        { candlestickPatterns: 'doji,doji' },
        /candlestickPatterns = \["doji","doji"\] \(from --candlestick-patterns\): expected each pattern once/,
      ],
      [{}, { signals: 'parquet:/x' }, /signals = "parquet:\/x" \(from --signals\): expected csv:DIR or synthetic/],
      [{ TRAINCTL_SIGNAL_LAG_DAYS: '31' }, {}, /signalLagDays = 31 \(from TRAINCTL_SIGNAL_LAG_DAYS\): expected 0 to 30/],
    ];
    for (const [env, flags, message] of cases) {
      const err = (() => {
        try {
          load(env, flags);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
