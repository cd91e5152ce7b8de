// Appends prediction records as fast as it can until killed (crash.test.ts SIGKILLs it mid-write).
import { PredictionLogWriter } from '../../../../lib/predictionLog';

const writer = new PredictionLogWriter({ dir: process.argv[2]!, flushMs: 1 });
const padding = 'x'.repeat(2000); // long lines make a kill inside a write likely
let i = 0;
for (;;) {
  for (let k = 0; k < 50; k++) {
    writer.append({
      requestId: `r${i++}`,
      at: new Date().toISOString(),
      model: 'm',
      version: 'v1.0.0',
      role: 'production',
      source: 'request',
      ticker: padding,
      date: null,
      probabilityUp: 0.5,
      direction: 'down',
      threshold: 0.5,
    });
  }
  await writer.flush();
  if (i === 50) process.stdout.write('writing\n');
}
