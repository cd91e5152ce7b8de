import { addDays } from '../data/dates';
import { SeededRandom } from '../data/random';
import { generateSyntheticMarket, SYNTHETIC_ORIGIN } from '../data/syntheticMarket';
import type { SignalObservations, SignalTable } from './types';

/**
 * The embedded market's synthetic sentiment (`--signals synthetic`), so the signals path can be
 * shown offline. SYNTHETIC: a score published after each close whose relation to the future is
 * planted and known — `sentiment_t = ρ·z_t + √(1−ρ²)·ε_t`, where z_t is the return from the close
 * of t+1 to the close of t+1+HORIZON in units of its typical size and ε_t is noise. With the default
 * lag of one day the value of day t is a feature from t+1 on, so it bears on that day's 5-day label.
 * About 3% of days are not published (missing values).
 */
export const SENTIMENT = { rho: 0.15, horizon: 5, scale: 0.03, missingRate: 0.03, name: 'sentiment' } as const;

export function syntheticSentiment(o: { seed: number; tickers: readonly string[]; asOf: string }): SignalTable {
  // Generated a month past the as-of date, so each value's planted future exists and a value never
  // changes when the as-of date moves; nothing dated after the as-of date is emitted.
  const market = generateSyntheticMarket({ seed: o.seed, tickers: [...o.tickers], start: SYNTHETIC_ORIGIN, end: addDays(o.asOf, 31) });
  const byTicker = new Map<string, SignalObservations>();
  for (const s of market.series) {
    const rng = new SeededRandom(`synthetic:${o.seed}:sentiment:${s.ticker}`);
    const dates: string[] = [];
    const values: number[] = [];
    const a = s.adjClose;
    for (let t = 0; t + 1 + SENTIMENT.horizon < a.length && s.dates[t]! <= o.asOf; t++) {
      // Both draws every day, so a value does not depend on whether earlier days were published.
      const noise = rng.normal();
      const published = rng.next() >= SENTIMENT.missingRate;
      const z = Math.log(a[t + 1 + SENTIMENT.horizon]! / a[t + 1]!) / SENTIMENT.scale;
      dates.push(s.dates[t]!);
      values.push(published ? SENTIMENT.rho * z + Math.sqrt(1 - SENTIMENT.rho ** 2) * noise : Number.NaN);
    }
    byTicker.set(s.ticker, { dates, values: [Float64Array.from(values)] });
  }
  return { names: [SENTIMENT.name], byTicker, fingerprint: { synthetic: SENTIMENT, seed: o.seed, asOf: o.asOf } };
}
