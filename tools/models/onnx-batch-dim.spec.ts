import { withBatchPreservingReshape, withDynamicBatch } from './onnx-batch-dim.mjs';

// A hand-rolled protobuf encoder, so the tests build tiny ONNX models without the onnx package.
const varint = (value: number | bigint): Buffer => {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    out.push(byte);
  } while (rest > 0n);
  return Buffer.from(out);
};
const int = (field: number, value: number | bigint) => Buffer.concat([varint(field << 3), varint(value)]);
const bytes = (field: number, ...parts: (Buffer | string)[]) => {
  const payload = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
};

const dim = (value: number | string) => bytes(1, typeof value === 'number' ? int(1, value) : bytes(2, value));
/** ValueInfoProto { name, type { tensor_type { elem_type: FLOAT, shape { dim... } } } }. */
const valueInfo = (name: string, dims: (number | string)[]) =>
  Buffer.concat([bytes(1, name), bytes(2, bytes(1, int(1, 1), bytes(2, ...dims.map(dim))))]);
const int64Tensor = (name: string, values: bigint[]) =>
  bytes(5, int(1, values.length), int(2, 7), bytes(8, name), bytes(9, Buffer.from(new BigInt64Array(values).buffer)));
const node = (op: string, inputs: string[], outputs: string[], ...attributes: Buffer[]) =>
  bytes(1, ...inputs.map((i) => bytes(1, i)), ...outputs.map((o) => bytes(2, o)), bytes(4, op), ...attributes);

/** ModelProto { ir_version, producer, graph { node, name, initializer, doc_string, input, output } }. */
function model(options: { inputDims?: (number | string)[]; shape?: bigint[]; reshapeAttr?: Buffer; inputName?: string } = {}) {
  const graph = Buffer.concat([
    node('Conv', ['x', 'w'], ['y']),
    node('Reshape', ['y', 'shape'], ['output'], ...(options.reshapeAttr ? [options.reshapeAttr] : [])),
    bytes(2, 'g'),
    int64Tensor('shape', options.shape ?? [1n, -1n]),
    bytes(10, 'd'.repeat(300)), // long enough that the graph's length prefix has 2+ bytes
    bytes(11, valueInfo(options.inputName ?? 'x', options.inputDims ?? [1, 3, 4, 4])),
    bytes(11, valueInfo('w', [8, 3, 1, 1])),
    bytes(12, valueInfo('output', [1, 128])),
  ]);
  return Buffer.concat([int(1, 7), bytes(2, 'test'), bytes(7, graph), bytes(8, bytes(1, ''), int(2, 13))]);
}

describe('withDynamicBatch', () => {
  it('turns the first dim of the named input and output into dim_param and keeps every other byte', () => {
    const rewritten = withDynamicBatch(model(), { inputs: ['x'], outputs: ['output'], dimParam: 'batch' });
    // Same bytes as a message-level re-encoding: only the two Dimensions and their ancestors' lengths differ.
    const byHand = Buffer.concat([int(1, 7), bytes(2, 'test'), reencodedGraph('batch'), bytes(8, bytes(1, ''), int(2, 13))]);
    expect(rewritten.equals(byHand)).toBe(true);
    // Each Dimension grows from {dim_value: 1} (2 bytes) to {dim_param: "batch"} (7 bytes).
    expect(rewritten.length).toBe(model().length + 10);
  });

  it('re-encodes a length prefix that needs one more byte (ValueInfo of 124 -> 129 bytes)', () => {
    const inputName = 'i'.repeat(98); // 2 + 98 + 24 = 124 bytes of ValueInfoProto before, 129 after
    const rewritten = withDynamicBatch(model({ inputName }), { inputs: [inputName], outputs: ['output'] });
    const byHand = Buffer.concat([int(1, 7), bytes(2, 'test'), reencodedGraph('batch', inputName), bytes(8, bytes(1, ''), int(2, 13))]);
    expect(rewritten.equals(byHand)).toBe(true);
    expect(rewritten.length).toBe(model({ inputName }).length + 11);
  });

  it('leaves tensors it is not asked about alone (the weight input keeps its fixed dims)', () => {
    const rewritten = withDynamicBatch(model(), { inputs: ['x'], outputs: [] });
    expect(rewritten.includes(valueInfo('w', [8, 3, 1, 1]))).toBe(true);
    expect(rewritten.includes(valueInfo('x', ['batch', 3, 4, 4]))).toBe(true);
    expect(rewritten.includes(valueInfo('output', [1, 128]))).toBe(true);
  });

  it('is deterministic', () => {
    const options = { inputs: ['x'], outputs: ['output'] };
    expect(withDynamicBatch(model(), options).equals(withDynamicBatch(model(), options))).toBe(true);
  });

  it('refuses a first dimension that is not a fixed 1, and tensors that are not there', () => {
    expect(() => withDynamicBatch(model({ inputDims: [4, 3, 4, 4] }), { inputs: ['x'], outputs: [] })).toThrow(/not a fixed 1/);
    const once = withDynamicBatch(model(), { inputs: ['x'], outputs: [] });
    expect(() => withDynamicBatch(once, { inputs: ['x'], outputs: [] })).toThrow(/not a fixed 1/);
    expect(() => withDynamicBatch(model(), { inputs: ['nope'], outputs: [] })).toThrow(/input "nope" found 0 times/);
    expect(() => withDynamicBatch(model(), { inputs: [], outputs: ['x'] })).toThrow(/output "x" found 0 times/);
    expect(() => withDynamicBatch(model({ inputDims: [] }), { inputs: ['x'], outputs: [] })).toThrow(/no field 1/);
  });

  it('refuses bytes that are not a protobuf message', () => {
    expect(() => withDynamicBatch(Buffer.from([0x3a, 0xff]), { inputs: [], outputs: [] })).toThrow(/onnx-batch-dim/);
  });
});

/** GraphProto with the two Dimensions replaced, re-encoded from scratch. */
function reencodedGraph(batch: string, inputName = 'x') {
  const graph = Buffer.concat([
    node('Conv', ['x', 'w'], ['y']),
    node('Reshape', ['y', 'shape'], ['output']),
    bytes(2, 'g'),
    int64Tensor('shape', [1n, -1n]),
    bytes(10, 'd'.repeat(300)),
    bytes(11, valueInfo(inputName, [batch, 3, 4, 4])),
    bytes(11, valueInfo('w', [8, 3, 1, 1])),
    bytes(12, valueInfo('output', [batch, 128])),
  ]);
  return bytes(7, graph);
}

describe('withBatchPreservingReshape', () => {
  it('changes the final Reshape shape [1, -1] to [0, -1]: one byte, no length moves', () => {
    const original = model();
    const rewritten = withBatchPreservingReshape(original, 'output');
    expect(rewritten.length).toBe(original.length);
    const changed = [...original].flatMap((byte, index) => (byte === rewritten[index] ? [] : [index]));
    expect(changed).toHaveLength(1);
    expect(rewritten.includes(int64Tensor('shape', [0n, -1n]))).toBe(true);
  });

  it('refuses anything but exactly that pattern', () => {
    expect(() => withBatchPreservingReshape(model({ shape: [2n, -1n] }), 'output')).toThrow(/not the INT64 constant \[1, -1\]/);
    expect(() => withBatchPreservingReshape(model(), 'y')).toThrow(/not produced by one Reshape/);
    const allowZero = bytes(5, bytes(1, 'allowzero'), int(3, 1));
    expect(() => withBatchPreservingReshape(model({ reshapeAttr: allowZero }), 'output')).toThrow(/allowzero/);
  });
});
