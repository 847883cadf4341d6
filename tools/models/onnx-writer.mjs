// Encodes an ONNX ModelProto from plain objects: just the messages a converted feed-forward graph
// needs (nodes with int/float/ints attributes, float32/int64 initializers as raw_data, fixed-shape
// inputs and outputs). Pure and deterministic: fields are written in one fixed order, so the same
// graph always gives the same bytes. Field numbers are from onnx/onnx.proto:
//   ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8
//   OperatorSetIdProto: domain 1, version 2
//   GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12
//   NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
//   AttributeProto: name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7)
//   TensorProto: dims 1, data_type 2 (FLOAT 1, INT64 7), name 8, raw_data 9
//   ValueInfoProto: name 1, type 2; TypeProto.tensor_type 1; TypeProto.Tensor: elem_type 1, shape 2;
//   TensorShapeProto.dim 1; Dimension.dim_value 1

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** A protobuf base-128 varint; negative values as their 64-bit two's complement, as protobuf does. */
export function varint(value) {
  const out = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    out.push(byte);
  } while (rest > 0n);
  return Buffer.from(out);
}

const key = (field, wire) => varint((field << 3) | wire);
export const int = (field, value) => Buffer.concat([key(field, WIRE_VARINT), varint(value)]);
export const bytes = (field, ...parts) => {
  const payload = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
  return Buffer.concat([key(field, WIRE_LEN), varint(payload.length), payload]);
};
const float = (field, value) => {
  const out = Buffer.alloc(4);
  out.writeFloatLE(value, 0);
  return Buffer.concat([key(field, WIRE_I32), out]);
};

/** One attribute: an integer, `{ float }` or a list of integers. */
function attribute(name, value) {
  if (Array.isArray(value)) return bytes(5, bytes(1, name), ...value.map((v) => int(8, v)), int(20, 7));
  if (typeof value === 'object' && value.float !== undefined) return bytes(5, bytes(1, name), float(2, value.float), int(20, 1));
  if (!Number.isInteger(value)) throw new Error(`onnx-writer: attribute "${name}" must be an integer, { float } or an integer list`);
  return bytes(5, bytes(1, name), int(3, value), int(20, 2));
}

/** A node: { op, inputs, outputs, name?, attributes? } with attributes in insertion order. */
export function node({ op, inputs, outputs, name, attributes = {} }) {
  return bytes(
    1,
    ...inputs.map((input) => bytes(1, input)),
    ...outputs.map((output) => bytes(2, output)),
    ...(name ? [bytes(3, name)] : []),
    bytes(4, op),
    ...Object.entries(attributes).map(([attributeName, value]) => attribute(attributeName, value)),
  );
}

/** An initializer: { name, dims, type: 'float32' | 'int64', data: Float32Array | BigInt64Array }. */
export function initializer({ name, dims, type, data }) {
  const dataType = { float32: ONNX_FLOAT, int64: ONNX_INT64 }[type];
  if (!dataType) throw new Error(`onnx-writer: initializer "${name}" has unsupported type ${type}`);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`onnx-writer: initializer "${name}" has ${data.length} values for dims [${dims}]`);
  // raw_data is little-endian; typed arrays on this platform are too (checked at import below).
  return bytes(
    5,
    ...dims.map((d) => int(1, d)),
    int(2, dataType),
    bytes(8, name),
    bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  );
}

/** A float32 graph input or output with fixed dims. */
function valueInfo({ name, dims }) {
  const shape = bytes(2, ...dims.map((d) => bytes(1, int(1, d))));
  return Buffer.concat([bytes(1, name), bytes(2, bytes(1, int(1, ONNX_FLOAT), shape))]);
}

/**
 * The ModelProto bytes for `graph` = { name, nodes, initializers, inputs, outputs, doc? } at the
 * given opset of the default domain.
 */
export function encodeOnnxModel(graph, { opset, irVersion, producer, producerVersion, doc }) {
  const graphBytes = Buffer.concat([
    ...graph.nodes.map(node),
    bytes(2, graph.name),
    ...graph.initializers.map(initializer),
    ...(graph.doc ? [bytes(10, graph.doc)] : []),
    ...graph.inputs.map((input) => bytes(11, valueInfo(input))),
    ...graph.outputs.map((output) => bytes(12, valueInfo(output))),
  ]);
  return Buffer.concat([
    int(1, irVersion),
    bytes(2, producer),
    bytes(3, producerVersion),
    ...(doc ? [bytes(6, doc)] : []),
    bytes(7, graphBytes),
    bytes(8, bytes(1, ''), int(2, opset)),
  ]);
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('onnx-writer: needs a little-endian platform');
