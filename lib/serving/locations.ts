import { join } from 'node:path';
import type { Paths } from '../config/paths';

/** The prediction log of one model line: `<stateDir>/predictions/<model>/predictions-YYYY-MM-DD.jsonl`. */
export function predictionLogDir(paths: Paths, modelName: string): string {
  return join(paths.stateDir, 'predictions', modelName);
}
