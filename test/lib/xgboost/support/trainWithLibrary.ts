// Child process: train with whatever libxgboost XGBOOST_LIBRARY_PATH names, print model + predictions.
import { trainModel, xgboostVersion } from '../../../../lib/xgboost';
import { makeDataset } from '../fixtures';

const modelType = (process.argv[2] ?? 'xgb') as 'xgb' | 'rf' | 'linear';
const ds = makeDataset({ rows: 1500, cols: 7, seed: 21, nanRate: 0.08 });
const { booster } = await trainModel({ train: ds, modelType, params: { nEstimators: 60, maxDepth: 5 }, seed: 2 });
const predictions = Array.from(await booster.predict(ds.X));
process.stdout.write(JSON.stringify({ version: xgboostVersion(), model: booster.toJson(), predictions }));
booster.dispose();
