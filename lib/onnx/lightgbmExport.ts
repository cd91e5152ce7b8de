import { ModelError } from '../util/errors';
import { ONNX_INPUT, ONNX_PROBABILITIES, type ExportOptions } from './export';
import { ElemType, encodeModel, type InitializerSpec, type NodeSpec } from './onnxModel';
import { classifierOutputs, TreeEnsembleBuilder } from './treeEnsemble';

interface LgbSplit {
  split_feature: number;
  threshold: number | string;
  decision_type: string;
  default_left: boolean;
  missing_type: 'None' | 'Zero' | 'NaN';
  left_child: LgbNode;
  right_child: LgbNode;
}
interface LgbLeaf {
  leaf_value: number;
  leaf_coeff?: unknown;
}
type LgbNode = LgbSplit | LgbLeaf;

export interface LgbModelDump {
  version?: string;
  num_class: number;
  num_tree_per_iteration: number;
  max_feature_idx: number;
  objective: string;
  average_output?: boolean;
  feature_names: string[];
  tree_info: { tree_index: number; tree_structure: LgbNode }[];
}

/** LightGBM's kZeroThreshold (a float literal): |x| ≤ this is "zero" for missing_type Zero. */
const ZERO_THRESHOLD = Math.fround(1e-35);

/**
 * Convert a LightGBM binary model (its JSON dump, `LGBM_BoosterDumpModel` / Python's `dump_model()`)
 * to ai.onnx.ml TreeEnsembleClassifier with the same output layout as the XGBoost export:
 * `probabilities` [N, 2], column 1 is P(up).
 *
 * LightGBM goes left when `x <= threshold` (threshold a double, x a float32 widened to double).
 * ONNX compares in float32, so each threshold is rounded *down* to the largest float32 ≤ it, which
 * keeps every decision for float32 x (rounding to nearest would flip x between the two). Missing
 * values: NaN goes the default direction for missing_type NaN; with None LightGBM reads NaN as 0, so
 * it goes where 0 goes; with Zero (zero_as_missing) both NaN and 0 go the default direction. Like
 * LightGBM's predictor, the graph first reads |x| ≤ 1e-35 as 0 (as NaN on zero-as-missing features).
 */
export function exportLightGBMToOnnx(dump: string | LgbModelDump, options: ExportOptions): Uint8Array {
  const model: LgbModelDump = typeof dump === 'string' ? parseDump(dump) : dump;
  if (!/^binary(\s|$)/.test(model.objective ?? '')) {
    throw new ModelError(`ONNX export supports LightGBM binary models only, not objective "${model.objective}"`);
  }
  if (model.num_class !== 1 || model.num_tree_per_iteration !== 1)
    throw new ModelError(`ONNX export supports single-output LightGBM models, this one has ${model.num_class} classes`);
  if (model.average_output) throw new ModelError('ONNX export does not support LightGBM random-forest models (average_output)');
  const nFeatures = model.max_feature_idx + 1;
  checkFeatureNames(model.feature_names, options.featureNames, nFeatures);
  const sigmoid = parseSigmoid(model.objective);

  const trees = treeAttributes(model, sigmoid);
  const preprocess = tinyAsZeroGraph(trees.zeroFeatures, nFeatures);
  // boost_from_average is folded into the first tree's leaves: no base score.
  const ensemble = trees.ensemble.classifier({
    name: 'lightgbm_trees',
    input: preprocess.output,
    probabilities: ONNX_PROBABILITIES,
    baseValue: 0,
  });
  return encodeModel({
    inputs: [{ name: ONNX_INPUT, elemType: ElemType.FLOAT, shape: ['N', nFeatures] }],
    outputs: classifierOutputs(ONNX_PROBABILITIES),
    nodes: [...preprocess.nodes, ensemble],
    initializers: preprocess.initializers,
    opsets: { '': 13, 'ai.onnx.ml': 3 },
    metadata: {
      feature_names: JSON.stringify(options.featureNames),
      engine: 'lightgbm',
      lightgbm_model_version: model.version ?? '',
      ...options.metadata,
    },
    graphName: 'trainctl_direction_classifier',
    producerVersion: '0.1.0',
  });
}

function parseDump(text: string): LgbModelDump {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ModelError(`the LightGBM model dump is not JSON: ${(err as Error).message}`);
  }
  const m = parsed as Partial<LgbModelDump> | null;
  if (
    !m ||
    typeof m !== 'object' ||
    !Array.isArray(m.tree_info) ||
    !Array.isArray(m.feature_names) ||
    typeof m.max_feature_idx !== 'number' ||
    typeof m.objective !== 'string'
  ) {
    throw new ModelError('the LightGBM model dump lacks tree_info, feature_names, max_feature_idx or objective');
  }
  return m as LgbModelDump;
}

function checkFeatureNames(dumped: string[], ours: string[], nFeatures: number): void {
  if (ours.length !== nFeatures) throw new ModelError(`the LightGBM model has ${nFeatures} features but ${ours.length} names were given`);
  for (let i = 0; i < nFeatures; i++) {
    if (dumped[i] !== ours[i]) {
      throw new ModelError(
        `LightGBM names feature ${i} "${dumped[i]}" but the schema names it "${ours[i]}": LightGBM renames characters it does not accept; rename the feature or retrain`,
      );
    }
  }
}

/** "binary sigmoid:1" → 1 (P = 1 / (1 + exp(−sigmoid · margin))). */
function parseSigmoid(objective: string): number {
  const match = /sigmoid:([^\s]+)/.exec(objective);
  const value = match ? Number(match[1]) : 1;
  if (!Number.isFinite(value) || value <= 0) throw new ModelError(`cannot read the sigmoid of objective "${objective}"`);
  return value;
}

function treeAttributes(model: LgbModelDump, sigmoid: number): { ensemble: TreeEnsembleBuilder; zeroFeatures: Set<number> } {
  const ensemble = new TreeEnsembleBuilder();
  const zeroFeatures = new Set<number>();
  const missingTypes = new Map<number, string>();
  model.tree_info.forEach((tree, t) => {
    let next = 0;
    // Depth-first with an explicit stack: depth-12 trees are fine recursively, but dumps are input.
    const stack: { node: LgbNode; id: number }[] = [{ node: tree.tree_structure, id: next++ }];
    while (stack.length) {
      const { node, id } = stack.pop()!;
      if (!('split_feature' in node)) {
        if ('leaf_coeff' in node)
          throw new ModelError(`tree ${t} is a linear tree (linear_tree=true): the ONNX export supports constant leaves only`);
        if (typeof node.leaf_value !== 'number') throw new ModelError(`tree ${t} node ${id} has neither a split nor a leaf value`);
        ensemble.leaf({ tree: t, node: id, weight: node.leaf_value * sigmoid });
        continue;
      }
      const f = node.split_feature;
      const name = model.feature_names[f] ?? `#${f}`;
      if (node.decision_type !== '<=') {
        throw new ModelError(
          `tree ${t} splits feature "${name}" as categorical ("${node.decision_type}"): the ONNX export supports numerical splits only; train without categorical_feature`,
        );
      }
      const threshold = Number(node.threshold);
      if (Number.isNaN(threshold)) throw new ModelError(`tree ${t} has threshold ${JSON.stringify(node.threshold)} on feature "${name}"`);
      const seen = missingTypes.get(f);
      if (seen !== undefined && seen !== node.missing_type) {
        // The graph maps zeros to NaN per feature, so a feature must be Zero-missing in every split.
        throw new ModelError(`feature "${name}" has missing_type ${seen} in one split and ${node.missing_type} in another`);
      }
      missingTypes.set(f, node.missing_type);
      const left = next++;
      const right = next++;
      ensemble.branch({
        tree: t,
        node: id,
        feature: f,
        threshold: float32AtMost(threshold),
        mode: 'BRANCH_LEQ',
        trueId: left,
        falseId: right,
        missingTrue: missingGoesLeft(node, threshold),
      });
      if (node.missing_type === 'Zero') zeroFeatures.add(f);
      stack.push({ node: node.right_child, id: right }, { node: node.left_child, id: left });
    }
  });
  return { ensemble, zeroFeatures };
}

function missingGoesLeft(node: LgbSplit, threshold: number): boolean {
  switch (node.missing_type) {
    case 'NaN':
    case 'Zero':
      return node.default_left;
    case 'None':
      // LightGBM replaces NaN by 0 on features without a missing bin.
      return 0 <= threshold;
    default:
      throw new ModelError(`unknown missing_type "${String(node.missing_type)}" in the LightGBM dump`);
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The largest float32 ≤ t: `x <= t` and `x <= float32AtMost(t)` agree for every float32 x. */
export function float32AtMost(t: number): number {
  const f = Math.fround(t);
  if (f <= t) return f;
  f32[0] = f;
  if (f > 0) u32[0] = u32[0]! - 1;
  else if (f < 0) u32[0] = u32[0]! + 1;
  else u32[0] = 0x80000001; // the largest negative subnormal
  return f32[0];
}

/**
 * LightGBM's predictor drops |x| ≤ kZeroThreshold from a dense row (it reads the row as sparse),
 * so such a value is 0 for every split: 0 on ordinary features, and "missing" (NaN here, which the
 * trees send the default way) on zero-as-missing features. One Where with a per-feature constant.
 */
function tinyAsZeroGraph(zeroFeatures: Set<number>, nFeatures: number) {
  const replacement = Array.from({ length: nFeatures }, (_, f) => (zeroFeatures.has(f) ? Number.NaN : 0));
  return {
    initializers: [
      { name: 'zero_threshold', dims: [], floats: [ZERO_THRESHOLD] },
      { name: 'zero_replacement', dims: [nFeatures], floats: replacement },
    ] satisfies InitializerSpec[],
    nodes: [
      { opType: 'Abs', name: 'abs', inputs: [ONNX_INPUT], outputs: ['abs_features'] },
      { opType: 'LessOrEqual', name: 'is_zero', inputs: ['abs_features', 'zero_threshold'], outputs: ['is_zero'] },
      { opType: 'Where', name: 'as_lightgbm_reads', inputs: ['is_zero', 'zero_replacement', ONNX_INPUT], outputs: ['features_lgb'] },
    ] satisfies NodeSpec[],
    output: 'features_lgb',
  };
}
