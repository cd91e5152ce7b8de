import { ModelError } from '../util/errors';

/**
 * Structural check of a LightGBM model text before LightGBM parses it. LightGBM parses trees in an
 * OpenMP loop, and an error thrown there (a bad tree size, a short array) terminates the process
 * instead of returning an error code — so a corrupted file must never reach it. This checks what
 * its parser relies on: the header, `tree_sizes` matching every `Tree=` block, per-tree array
 * lengths, child and feature indices in range, numbers that parse, and the end marker.
 */
export function validateModelText(text: string, what = 'the LightGBM model'): { features: number; trees: number } {
  const fail = (problem: string): never => {
    throw new ModelError(`${what} is corrupted or not a LightGBM model: ${problem}`);
  };
  if (!text.startsWith('tree\n')) fail('it does not start with "tree"');
  const headerEnd = text.indexOf('\n\n');
  if (headerEnd < 0) fail('no header');
  const header = keyValues(text.slice(0, headerEnd));
  const maxFeature = intField(header, 'max_feature_idx', fail);
  if (maxFeature < 0) fail(`max_feature_idx=${maxFeature}`);
  if (header.get('num_class') !== '1' && header.get('num_class') !== undefined && !/^\d+$/.test(header.get('num_class')!))
    fail('bad num_class');
  const sizesText = header.get('tree_sizes');
  if (sizesText === undefined) fail('no tree_sizes line');
  const sizes = sizesText!.trim() === '' ? [] : sizesText!.trim().split(' ').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) fail('tree_sizes has a non-positive or non-integer entry');
  // Sizes are in bytes of the UTF-8 text (LightGBM's std::string lengths).
  const bytes = Buffer.from(text, 'utf8');
  let pos = Buffer.byteLength(text.slice(0, headerEnd + 2), 'utf8');
  sizes.forEach((size, i) => {
    if (pos + size > bytes.length) fail(`tree ${i} runs past the end of the file`);
    const block = bytes.subarray(pos, pos + size).toString('utf8');
    if (!block.startsWith(`Tree=${i}\n`)) fail(`tree_sizes does not match the Tree=${i} block`);
    validateTree(keyValues(block), { index: i, maxFeature, fail });
    pos += size;
  });
  if (
    !bytes
      .subarray(pos, pos + 12)
      .toString('utf8')
      .startsWith('end of trees')
  )
    fail('"end of trees" does not follow the last tree');
  return { features: maxFeature + 1, trees: sizes.length };
}

function validateTree(kv: Map<string, string>, o: { index: number; maxFeature: number; fail: (p: string) => never }): void {
  const t = `tree ${o.index}`;
  if (kv.get('is_linear') === '1') o.fail(`${t}: linear trees are not supported`);
  const leaves = intField(kv, 'num_leaves', o.fail);
  if (leaves < 1) o.fail(`${t}: num_leaves=${leaves}`);
  const leafValues = numbers(kv, 'leaf_value', leaves, t, o.fail);
  if (leafValues.some((v) => !Number.isFinite(v))) o.fail(`${t}: a leaf value is not finite`);
  if (leaves === 1) return;
  const splits = leaves - 1;
  const features = numbers(kv, 'split_feature', splits, t, o.fail);
  if (features.some((f) => !Number.isInteger(f) || f < 0 || f > o.maxFeature)) o.fail(`${t}: a split feature is outside 0…${o.maxFeature}`);
  const thresholds = numbers(kv, 'threshold', splits, t, o.fail);
  if (thresholds.some(Number.isNaN)) o.fail(`${t}: a threshold is not a number`);
  const decisions = numbers(kv, 'decision_type', splits, t, o.fail);
  const numCat = intField(kv, 'num_cat', o.fail);
  if (numCat < 0) o.fail(`${t}: num_cat=${numCat}`);
  decisions.forEach((d, k) => {
    if (!Number.isInteger(d) || d < 0 || d > 15) o.fail(`${t}: decision_type ${d}`);
    // A categorical split's threshold indexes cat_boundaries.
    if (d & 1 && !(Number.isInteger(thresholds[k]) && thresholds[k]! >= 0 && thresholds[k]! < numCat))
      o.fail(`${t}: a categorical split points outside its categories`);
  });
  if (numCat > 0) {
    const bounds = numbers(kv, 'cat_boundaries', numCat + 1, t, o.fail);
    const catThreshold = (kv.get('cat_threshold') ?? '').trim().split(' ').filter(Boolean);
    if (bounds[0] !== 0 || bounds.some((b, k) => k > 0 && b < bounds[k - 1]!) || bounds[numCat] !== catThreshold.length)
      o.fail(`${t}: cat_boundaries do not match cat_threshold`);
  }
  for (const side of ['left_child', 'right_child']) {
    const children = numbers(kv, side, splits, t, o.fail);
    // Non-negative: an inner node; negative: ~leaf index.
    if (children.some((c) => !Number.isInteger(c) || c >= splits || c < -leaves || c === 0))
      o.fail(`${t}: ${side} points outside the tree`);
  }
}

function keyValues(block: string): Map<string, string> {
  const kv = new Map<string, string>();
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return kv;
}

function intField(kv: Map<string, string>, key: string, fail: (p: string) => never): number {
  const text = kv.get(key);
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value)) fail(`${key} is missing or not an integer`);
  return value;
}

function numbers(kv: Map<string, string>, key: string, expected: number, what: string, fail: (p: string) => never): number[] {
  const text = kv.get(key);
  if (text === undefined) fail(`${what}: no ${key}`);
  const parts = text.trim().split(' ').filter(Boolean);
  if (parts.length !== expected) fail(`${what}: ${key} has ${parts.length} values, expected ${expected}`);
  return parts.map((p) =>
    /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?inf$/i.test(p) ? Number(p.replace(/inf$/i, 'Infinity')) : Number.NaN,
  );
}
