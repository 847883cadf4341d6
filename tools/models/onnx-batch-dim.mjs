// Makes the batch dimension of named graph inputs/outputs dynamic by editing the ONNX protobuf on
// the wire. withDynamicBatch changes only the Dimension messages (dim_value 1 -> dim_param) and
// re-encodes the length prefixes of their ancestors; withBatchPreservingReshape (below) changes one
// byte of a Reshape constant that assumed batch 1. Every other byte (weights, nodes, metadata) is
// copied verbatim, so the result is deterministic and nothing else in the graph can change.
// Pure: bytes in, bytes out. Field numbers are from onnx/onnx.proto:
//   ModelProto.graph = 7; GraphProto.input = 11, .output = 12; ValueInfoProto.name = 1, .type = 2;
//   TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2; TensorShapeProto.dim = 1;
//   Dimension.dim_value = 1 (int64), .dim_param = 2 (string).
import { varint } from './onnx-writer.mjs';

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

function readVarint(bytes, offset) {
  let value = 0n;
  let shift = 0n;
  for (let position = offset; position < bytes.length; position++) {
    const byte = bytes[position];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, end: position + 1 };
    shift += 7n;
    if (shift > 63n) break;
  }
  throw new Error(`onnx-batch-dim: bad varint at offset ${offset}`);
}

/** Splits a message into fields; each keeps its original bytes so unchanged ones are copied as-is. */
export function fields(bytes) {
  const result = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    const key = readVarint(bytes, offset);
    const number = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    offset = key.end;
    let payload;
    if (wire === WIRE_VARINT) {
      const end = readVarint(bytes, offset).end;
      payload = bytes.subarray(offset, end);
      offset = end;
    } else if (wire === WIRE_LEN) {
      const length = readVarint(bytes, offset);
      const end = length.end + Number(length.value);
      if (end > bytes.length) throw new Error(`onnx-batch-dim: field ${number} overruns its message`);
      payload = bytes.subarray(length.end, end);
      offset = end;
    } else if (wire === WIRE_I64 || wire === WIRE_I32) {
      const end = offset + (wire === WIRE_I64 ? 8 : 4);
      payload = bytes.subarray(offset, end);
      offset = end;
    } else {
      throw new Error(`onnx-batch-dim: unsupported wire type ${wire} at offset ${start}`);
    }
    if (offset > bytes.length) throw new Error('onnx-batch-dim: truncated message');
    result.push({ number, wire, key: bytes.subarray(start, key.end), payload, raw: bytes.subarray(start, offset) });
  }
  return result;
}

/** A length-delimited field rebuilt around new contents: the original key, a fresh length. */
function lengthDelimited(field, contents) {
  return Buffer.concat([field.key, varint(contents.length), contents]);
}

/**
 * Rebuilds a message, passing each length-delimited field that `edit` selects through it;
 * `edit` returns new contents or undefined to keep the field's bytes.
 */
function rewrite(bytes, edit) {
  return Buffer.concat(
    fields(bytes).map((field) => {
      const contents = field.wire === WIRE_LEN ? edit(field) : undefined;
      return contents === undefined ? field.raw : lengthDelimited(field, contents);
    }),
  );
}

function only(bytes, number, what) {
  const found = fields(bytes).filter((field) => field.number === number && field.wire === WIRE_LEN);
  if (found.length !== 1) throw new Error(`onnx-batch-dim: ${what}: expected one field ${number}, found ${found.length}`);
  return found[0];
}

/** Dimension {dim_value: 1} -> Dimension {dim_param: name}; a denotation (field 3) is kept. */
function dynamicDimension(dimension, dimParam, where) {
  const parts = fields(dimension);
  const value = parts.filter((field) => field.number === 1 && field.wire === WIRE_VARINT);
  if (value.length !== 1 || readVarint(value[0].payload, 0).value !== 1n) {
    throw new Error(`onnx-batch-dim: ${where}: the first dimension is not a fixed 1`);
  }
  const param = Buffer.from(dimParam, 'utf8');
  const replaced = Buffer.concat([varint((2 << 3) | WIRE_LEN), varint(param.length), param]);
  return Buffer.concat(parts.map((field) => (field === value[0] ? replaced : field.raw)));
}

/** ValueInfoProto -> type -> tensor_type -> shape -> first dim, each level rebuilt around its child. */
function valueInfoWithDynamicBatch(valueInfo, dimParam, where) {
  const descend = (bytes, path, leaf) => {
    if (path.length === 0) return leaf(bytes);
    let seen = false;
    const rebuilt = rewrite(bytes, (field) => {
      if (field.number !== path[0] || seen) return undefined;
      seen = true; // only the first: TensorShapeProto.dim repeats and the batch is dim 0
      return descend(field.payload, path.slice(1), leaf);
    });
    if (!seen) throw new Error(`onnx-batch-dim: ${where}: no field ${path[0]} on the way to the first dimension`);
    return rebuilt;
  };
  return descend(valueInfo, [2, 1, 2, 1], (dimension) => dynamicDimension(dimension, dimParam, where));
}

function valueInfoName(valueInfo) {
  const name = fields(valueInfo).find((field) => field.number === 1 && field.wire === WIRE_LEN);
  return name ? Buffer.from(name.payload).toString('utf8') : '';
}

/**
 * Returns a copy of `model` (ONNX ModelProto bytes) in which the first dimension of each named
 * graph input and output is the symbolic `dimParam` instead of 1. Throws unless every named
 * tensor is found exactly once with a fixed first dimension of 1.
 */
export function withDynamicBatch(model, { inputs, outputs, dimParam = 'batch' }) {
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  const wanted = new Map([...inputs.map((name) => [`11:${name}`, 0]), ...outputs.map((name) => [`12:${name}`, 0])]);
  only(bytes, 7, 'ModelProto.graph');
  const result = rewrite(bytes, (field) =>
    field.number !== 7
      ? undefined
      : rewrite(field.payload, (entry) => {
          if (entry.number !== 11 && entry.number !== 12) return undefined;
          const name = valueInfoName(entry.payload);
          const key = `${entry.number}:${name}`;
          if (!wanted.has(key)) return undefined;
          wanted.set(key, wanted.get(key) + 1);
          return valueInfoWithDynamicBatch(entry.payload, dimParam, `${entry.number === 11 ? 'input' : 'output'} "${name}"`);
        }),
  );
  for (const [key, count] of wanted) {
    if (count !== 1) throw new Error(`onnx-batch-dim: graph ${key.startsWith('11:') ? 'input' : 'output'} "${key.slice(3)}" found ${count} times`);
  }
  return result;
}

// The second edit, for graphs exported with a batch of 1 baked into their final Reshape:
//   NodeProto.input = 1, .output = 2, .op_type = 4, .attribute = 5 (AttributeProto.name = 1, .i = 3);
//   GraphProto.node = 1, .initializer = 5; TensorProto.dims = 1, .data_type = 2 (7: INT64),
//   .name = 8, .raw_data = 9.

const text = (field) => Buffer.from(field.payload).toString('utf8');
const strings = (parts, number) => parts.filter((f) => f.number === number && f.wire === WIRE_LEN).map(text);

function int64s(parts, number) {
  const values = [];
  for (const field of parts.filter((f) => f.number === number)) {
    if (field.wire === WIRE_VARINT) values.push(BigInt.asIntN(64, readVarint(field.payload, 0).value));
    else
      for (let o = 0; o < field.payload.length;) {
        const v = readVarint(field.payload, o);
        values.push(BigInt.asIntN(64, v.value));
        o = v.end;
      }
  }
  return values;
}

/**
 * A Reshape to the constant shape [1, -1] that produces graph output `output` becomes [0, -1]:
 * 0 copies the input's batch dimension (allowzero unset), so at batch 1 the shape, and therefore
 * every output value, is exactly what it was; at batch N the rows stay separate instead of being
 * concatenated into one. Only the first 8 bytes of that initializer's raw_data change (1 -> 0,
 * same length), so no length prefix moves. Throws unless the pattern is exactly this one.
 */
export function withBatchPreservingReshape(model, output) {
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  const graph = fields(only(bytes, 7, 'ModelProto.graph').payload);
  const nodes = graph.filter((f) => f.number === 1 && f.wire === WIRE_LEN).map((f) => fields(f.payload));
  const producers = nodes.filter((node) => strings(node, 2).includes(output));
  if (producers.length !== 1 || strings(producers[0], 4)[0] !== 'Reshape') {
    throw new Error(`onnx-batch-dim: graph output "${output}" is not produced by one Reshape`);
  }
  const reshape = producers[0];
  const allowZero = reshape
    .filter((f) => f.number === 5)
    .map((f) => fields(f.payload))
    .find((attribute) => strings(attribute, 1)[0] === 'allowzero');
  if (allowZero && int64s(allowZero, 3).some((value) => value !== 0n)) {
    throw new Error('onnx-batch-dim: the Reshape sets allowzero, so 0 would not copy the batch');
  }
  const shapeName = strings(reshape, 1)[1];
  if (nodes.filter((node) => strings(node, 1).includes(shapeName)).length !== 1) {
    throw new Error(`onnx-batch-dim: shape tensor "${shapeName}" is shared with other nodes`);
  }
  const initializers = graph.filter((f) => f.number === 5 && f.wire === WIRE_LEN && strings(fields(f.payload), 8)[0] === shapeName);
  if (initializers.length !== 1) throw new Error(`onnx-batch-dim: shape "${shapeName}" is not one initializer`);
  const tensor = fields(initializers[0].payload);
  const raw = tensor.filter((f) => f.number === 9 && f.wire === WIRE_LEN);
  const expected = Buffer.from(new BigInt64Array([1n, -1n]).buffer); // little-endian, as ONNX stores it
  if (int64s(tensor, 2).join() !== '7' || int64s(tensor, 1).join() !== '2' || raw.length !== 1 || !expected.equals(Buffer.from(raw[0].payload))) {
    throw new Error(`onnx-batch-dim: shape "${shapeName}" is not the INT64 constant [1, -1]`);
  }
  const result = Buffer.from(bytes);
  const offset = raw[0].payload.byteOffset - bytes.byteOffset;
  result.writeBigInt64LE(0n, offset); // [1, -1] -> [0, -1]
  return result;
}
