import { ModelError } from '../util/errors';
import { ElemType, encodeModel, type NodeSpec } from './onnxModel';
import { classifierOutputs, TreeEnsembleBuilder } from './treeEnsemble';

export interface ExportOptions {
  featureNames: string[];
  /** Stored as the model's metadata_props (feature names and schema hash are added by the caller). */
  metadata?: Record<string, string>;
}

export const ONNX_INPUT = 'features';
export const ONNX_PROBABILITIES = 'probabilities';

interface XgbTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
}

interface XgbModelJson {
  version?: number[];
  learner: {
    learner_model_param: { base_score: string; num_feature: string; num_class?: string };
    objective: { name: string };
    gradient_booster: {
      name: string;
      model?: { trees?: XgbTree[]; weights?: number[] };
      gbtree?: { model: { trees: XgbTree[] } };
    };
    feature_names?: string[];
  };
}

/**
 * Convert an XGBoost binary:logistic model (its JSON dump, 1.7 or 3.x layout) to ONNX:
 * trees → ai.onnx.ml TreeEnsembleClassifier; gblinear → NaN-as-zero, MatMul, Add, Sigmoid.
 * The output `probabilities` is [N, 2] for trees and [N, 1] for linear; column "last" is P(up).
 */
export function exportToOnnx(modelJson: string | XgbModelJson, options: ExportOptions): Uint8Array {
  const model = typeof modelJson === 'string' ? (JSON.parse(modelJson) as XgbModelJson) : modelJson;
  const learner = model.learner;
  if (learner.objective.name !== 'binary:logistic') {
    throw new ModelError(`ONNX export supports binary:logistic models only, not ${learner.objective.name}`);
  }
  const nFeatures = Number(learner.learner_model_param.num_feature);
  if (options.featureNames.length !== nFeatures) {
    throw new ModelError(`the model has ${nFeatures} features but ${options.featureNames.length} names were given`);
  }
  const baseMargin = logit(parseBaseScore(learner.learner_model_param.base_score));
  const metadata = {
    feature_names: JSON.stringify(options.featureNames),
    xgboost_version: (model.version ?? []).join('.'),
    ...options.metadata,
  };
  const booster = learner.gradient_booster;
  const common = {
    inputs: [{ name: ONNX_INPUT, elemType: ElemType.FLOAT, shape: ['N', nFeatures] }],
    metadata,
    graphName: 'trainctl_direction_classifier',
    producerVersion: '0.1.0',
  };
  if (booster.name === 'gblinear') return encodeModel({ ...common, ...linearGraph(booster.model!.weights!, nFeatures, baseMargin) });
  const trees = booster.model?.trees ?? booster.gbtree?.model.trees;
  if (!trees) throw new ModelError(`unsupported booster "${booster.name}" in the model JSON`);
  return encodeModel({ ...common, ...treeGraph(trees, baseMargin) });
}

function treeGraph(trees: XgbTree[], baseMargin: number) {
  const ensemble = new TreeEnsembleBuilder();
  trees.forEach((tree, t) => {
    for (let i = 0; i < tree.left_children.length; i++) {
      const left = tree.left_children[i]!;
      if (left === -1) {
        ensemble.leaf({ tree: t, node: i, weight: Math.fround(tree.split_conditions[i]!) });
        continue;
      }
      // XGBoost splits are float32 and go left when x < threshold; BRANCH_LT does the same.
      ensemble.branch({
        tree: t,
        node: i,
        feature: tree.split_indices[i]!,
        threshold: Math.fround(tree.split_conditions[i]!),
        mode: 'BRANCH_LT',
        trueId: left,
        falseId: tree.right_children[i]!,
        missingTrue: Boolean(tree.default_left[i]),
      });
    }
  });
  return {
    nodes: [ensemble.classifier({ name: 'xgboost_trees', input: ONNX_INPUT, probabilities: ONNX_PROBABILITIES, baseValue: baseMargin })],
    outputs: classifierOutputs(ONNX_PROBABILITIES),
    opsets: { '': 13, 'ai.onnx.ml': 3 },
  };
}

function linearGraph(weights: number[], nFeatures: number, baseMargin: number) {
  if (weights.length !== nFeatures + 1)
    throw new ModelError(`gblinear with ${weights.length} weights for ${nFeatures} features is not a binary model`);
  // XGBoost's gblinear skips missing entries, i.e. a NaN contributes 0 to the margin.
  return {
    initializers: [
      { name: 'zero', dims: [], floats: [0] },
      { name: 'weights', dims: [nFeatures, 1], floats: weights.slice(0, nFeatures).map(Math.fround) },
      { name: 'bias', dims: [1], floats: [Math.fround(weights[nFeatures]! + baseMargin)] },
    ],
    nodes: [
      { opType: 'IsNaN', name: 'missing', inputs: [ONNX_INPUT], outputs: ['is_missing'] },
      { opType: 'Where', name: 'missing_as_zero', inputs: ['is_missing', 'zero', ONNX_INPUT], outputs: ['filled'] },
      { opType: 'MatMul', name: 'dot', inputs: ['filled', 'weights'], outputs: ['dot'] },
      { opType: 'Add', name: 'margin', inputs: ['dot', 'bias'], outputs: ['margin'] },
      { opType: 'Sigmoid', name: 'probability', inputs: ['margin'], outputs: [ONNX_PROBABILITIES] },
    ] satisfies NodeSpec[],
    outputs: [{ name: ONNX_PROBABILITIES, elemType: ElemType.FLOAT, shape: ['N', 1] }],
    opsets: { '': 13 },
  };
}

/** "5E-1" (1.7), "[5E-1]" (3.x) or a number. */
export function parseBaseScore(raw: string | number): number {
  const text = String(raw).replace(/^\[|\]$/g, '');
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ModelError(`cannot read base_score ${JSON.stringify(raw)}`);
  return value;
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}
