import { ProtoWriter } from './protobuf';

/** ONNX TensorProto element types and AttributeProto types used here. */
export const ElemType = { FLOAT: 1, INT64: 7 } as const;
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export type AttributeValue =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'floats'; value: ArrayLike<number> }
  | { kind: 'ints'; value: ArrayLike<number> }
  | { kind: 'strings'; value: string[] };

export interface NodeSpec {
  opType: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue>;
}

export interface ValueSpec {
  name: string;
  elemType: number;
  /** A number for a fixed size, a string for a symbolic one (e.g. 'N'). */
  shape: (number | string)[];
}

export interface InitializerSpec {
  name: string;
  dims: number[];
  floats: ArrayLike<number>;
}

export interface ModelSpec {
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: InitializerSpec[];
  opsets: Record<string, number>;
  metadata: Record<string, string>;
  graphName: string;
  producerVersion: string;
}

/** Serialize a ModelProto (IR version 8). Field numbers follow onnx/onnx.proto. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'trainctl');
  w.string(3, spec.producerVersion);
  w.message(7, (g) => encodeGraph(g, spec));
  for (const [domain, version] of Object.entries(spec.opsets)) {
    w.message(8, (o) => o.string(1, domain).int(2, version));
  }
  for (const [key, value] of Object.entries(spec.metadata)) {
    w.message(14, (e) => e.string(1, key).string(2, value));
  }
  return w.finish();
}

function encodeGraph(g: ProtoWriter, spec: ModelSpec): void {
  for (const node of spec.nodes) g.message(1, (n) => encodeNode(n, node));
  g.string(2, spec.graphName);
  for (const init of spec.initializers ?? []) {
    g.message(5, (t) => {
      t.packedInts(1, init.dims);
      t.int(2, ElemType.FLOAT);
      t.packedFloats(4, init.floats);
      t.string(8, init.name);
    });
  }
  for (const input of spec.inputs) g.message(11, (v) => encodeValueInfo(v, input));
  for (const output of spec.outputs) g.message(12, (v) => encodeValueInfo(v, output));
}

function encodeNode(n: ProtoWriter, node: NodeSpec): void {
  for (const i of node.inputs) n.string(1, i);
  for (const o of node.outputs) n.string(2, o);
  n.string(3, node.name);
  n.string(4, node.opType);
  for (const [name, attr] of Object.entries(node.attributes ?? {})) n.message(5, (a) => encodeAttribute(a, name, attr));
  if (node.domain) n.string(7, node.domain);
}

function encodeAttribute(a: ProtoWriter, name: string, attr: AttributeValue): void {
  a.string(1, name);
  switch (attr.kind) {
    case 'float':
      a.float(2, attr.value).int(20, AttrType.FLOAT);
      break;
    case 'int':
      a.int(3, attr.value).int(20, AttrType.INT);
      break;
    case 'string':
      a.string(4, attr.value).int(20, AttrType.STRING);
      break;
    case 'floats':
      a.packedFloats(7, attr.value).int(20, AttrType.FLOATS);
      break;
    case 'ints':
      a.packedInts(8, attr.value).int(20, AttrType.INTS);
      break;
    case 'strings':
      for (const s of attr.value) a.string(9, s);
      a.int(20, AttrType.STRINGS);
      break;
  }
}

function encodeValueInfo(v: ProtoWriter, spec: ValueSpec): void {
  v.string(1, spec.name);
  v.message(2, (t) =>
    t.message(1, (tensor) => {
      tensor.int(1, spec.elemType);
      tensor.message(2, (shape) => {
        for (const d of spec.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}
