import { ElemType, type NodeSpec } from './onnxModel';

/**
 * The ai.onnx.ml TreeEnsembleClassifier of a binary model, built node by node: both exporters
 * (XGBoost, LightGBM) walk their own tree format and describe each node here; the attribute
 * arrays, the leaf weights and the node spec are written in one place.
 */
export class TreeEnsembleBuilder {
  private readonly a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
    classTreeIds: [] as number[],
    classNodeIds: [] as number[],
    classIds: [] as number[],
    classWeights: [] as number[],
  };

  /** A split: `x mode threshold` goes to `trueId`; missing values follow `missingTrue`. */
  branch(o: {
    tree: number;
    node: number;
    feature: number;
    threshold: number;
    mode: 'BRANCH_LT' | 'BRANCH_LEQ';
    trueId: number;
    falseId: number;
    missingTrue: boolean;
  }): void {
    this.node(o.tree, o.node, o.feature, o.threshold, o.mode, o.trueId, o.falseId, o.missingTrue ? 1 : 0);
  }

  /** A leaf adding `weight` to the margin of class 1. */
  leaf(o: { tree: number; node: number; weight: number }): void {
    this.node(o.tree, o.node, 0, 0, 'LEAF', 0, 0, 0);
    this.a.classTreeIds.push(o.tree);
    this.a.classNodeIds.push(o.node);
    this.a.classIds.push(0);
    this.a.classWeights.push(o.weight);
  }

  /** The classifier node: outputs `label` and [N, 2] probabilities through the logistic of base + Σ leaves. */
  classifier(o: { name: string; input: string; probabilities: string; baseValue: number }): NodeSpec {
    const a = this.a;
    return {
      opType: 'TreeEnsembleClassifier',
      domain: 'ai.onnx.ml',
      name: o.name,
      inputs: [o.input],
      outputs: ['label', o.probabilities],
      attributes: {
        classlabels_int64s: { kind: 'ints', value: [0, 1] },
        nodes_treeids: { kind: 'ints', value: a.treeIds },
        nodes_nodeids: { kind: 'ints', value: a.nodeIds },
        nodes_featureids: { kind: 'ints', value: a.featureIds },
        nodes_values: { kind: 'floats', value: a.values },
        nodes_modes: { kind: 'strings', value: a.modes },
        nodes_truenodeids: { kind: 'ints', value: a.trueIds },
        nodes_falsenodeids: { kind: 'ints', value: a.falseIds },
        nodes_missing_value_tracks_true: { kind: 'ints', value: a.missingTrue },
        class_treeids: { kind: 'ints', value: a.classTreeIds },
        class_nodeids: { kind: 'ints', value: a.classNodeIds },
        class_ids: { kind: 'ints', value: a.classIds },
        class_weights: { kind: 'floats', value: a.classWeights },
        base_values: { kind: 'floats', value: [o.baseValue] },
        post_transform: { kind: 'string', value: 'LOGISTIC' },
      },
    };
  }

  private node(
    tree: number,
    node: number,
    feature: number,
    value: number,
    mode: string,
    trueId: number,
    falseId: number,
    missingTrue: number,
  ): void {
    const a = this.a;
    a.treeIds.push(tree);
    a.nodeIds.push(node);
    a.featureIds.push(feature);
    a.values.push(value);
    a.modes.push(mode);
    a.trueIds.push(trueId);
    a.falseIds.push(falseId);
    a.missingTrue.push(missingTrue);
  }
}

/** The graph outputs of a binary TreeEnsembleClassifier. */
export function classifierOutputs(probabilities: string) {
  return [
    { name: 'label', elemType: ElemType.INT64, shape: ['N'] },
    { name: probabilities, elemType: ElemType.FLOAT, shape: ['N', 2] },
  ];
}
