/**
 * Child process for the corrupted-model test: loads many mutated copies of a model text and
 * prints how each ended. Run apart from the test runner because a LightGBM parser crash would
 * abort the whole process — which is exactly what the test must rule out.
 */
import { readFileSync } from 'node:fs';
import { LgbBooster } from '../../../../lib/lightgbm';
import { ModelError } from '../../../../lib/util/errors';

const [modelPath, countText] = process.argv.slice(2);
const text = readFileSync(modelPath!, 'utf8');
const alphabet = '0123456789 -=.\ne';
let s = 12345;
const rnd = (n: number) => {
  s = (s * 1103515245 + 12345) >>> 0;
  return s % n;
};
const counts = { loaded: 0, refused: 0, other: 0 };
const end = text.indexOf('end of trees');
for (let k = 0; k < Number(countText); k++) {
  const chars = text.split('');
  const edits = 1 + rnd(3);
  for (let e = 0; e < edits; e++) {
    const at = rnd(end);
    const kind = rnd(3);
    if (kind === 0) chars[at] = alphabet[rnd(alphabet.length)]!;
    else if (kind === 1) chars.splice(at, 1);
    else chars.splice(at, 0, alphabet[rnd(alphabet.length)]!);
  }
  try {
    const b = await LgbBooster.load({ text: chars.join('') });
    b.dispose();
    counts.loaded++;
  } catch (err) {
    if (err instanceof ModelError) counts.refused++;
    else counts.other++;
  }
}
console.log(JSON.stringify(counts));
