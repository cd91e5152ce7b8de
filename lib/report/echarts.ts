import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';

let loaded: typeof Echarts | undefined;

/**
 * ECharts, loaded on the first chart rendered: its import costs about 340 ms, which the commands
 * and activities that draw no chart (and most tests) should not pay.
 */
export function echarts(): typeof Echarts {
  return (loaded ??= createRequire(import.meta.url)('echarts') as typeof Echarts);
}
