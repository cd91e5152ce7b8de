import { countNewTradingDays } from '../lib/data';
import type { DataRef } from '../lib/pipeline/types';
import type { ActivityDeps } from './deps';
import { localFile } from './storeFiles';
import { registryFor } from './registry';

export interface CheckNewDataInput {
  modelName: string;
  data: DataRef;
  minNewDays: number;
}

export interface NewDataCheck {
  enough: boolean;
  newDays: number;
  since: string | null;
  reason: string;
}

/**
 * "Enough new data" for scheduled runs: trading days after the production model's data end, in
 * the freshest fetched ticker, against the configured minimum.
 */
export function checkNewDataActivity(deps: ActivityDeps) {
  return async function checkNewData({ modelName, data, minNewDays }: CheckNewDataInput): Promise<NewDataCheck> {
    const production = await (await registryFor(deps, modelName)).production();
    if (!production) return { enough: true, newDays: 0, since: null, reason: 'no production model yet: the first model is always trained' };
    const since = production.metadata.dataSource.window.end;
    let newDays = 0;
    for (const t of data.tickers) newDays = Math.max(newDays, await countNewTradingDays(await localFile(deps, t), since));
    const enough = newDays >= minNewDays;
    return {
      enough,
      newDays,
      since,
      reason: enough
        ? `${newDays} new trading days since ${since} (minimum ${minNewDays})`
        : `only ${newDays} new trading days since ${since} (production ${production.version}); at least ${minNewDays} are needed — use --ignore-new-data to train anyway`,
    };
  };
}
