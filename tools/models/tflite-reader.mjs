// Reads the parts of a TensorFlow Lite flatbuffer that a float32 convolutional graph needs: tensors
// (shape, type, constant data), the operators in order with their builtin options, and the graph's
// inputs and outputs. Pure: bytes in, plain objects out. Table layouts and enum values follow
// tensorflow/lite/schema/schema.fbs; a field is read by its index in the table (vtable slot 4 + 2i).

/** A flatbuffer table at `position`: fields are looked up through its vtable. */
class Table {
  constructor(view, position) {
    this.view = view;
    this.position = position;
    this.vtable = position - view.getInt32(position, true);
    this.vtableSize = view.getUint16(this.vtable, true);
  }

  /** Absolute position of field `index`, or 0 when the field is absent (it then has its default). */
  field(index) {
    const slot = 4 + 2 * index;
    if (slot >= this.vtableSize) return 0;
    const relative = this.view.getUint16(this.vtable + slot, true);
    return relative === 0 ? 0 : this.position + relative;
  }

  int8(index, fallback = 0) {
    const at = this.field(index);
    return at ? this.view.getInt8(at) : fallback;
  }

  uint8(index, fallback = 0) {
    const at = this.field(index);
    return at ? this.view.getUint8(at) : fallback;
  }

  int32(index, fallback = 0) {
    const at = this.field(index);
    return at ? this.view.getInt32(at, true) : fallback;
  }

  uint32(index, fallback = 0) {
    const at = this.field(index);
    return at ? this.view.getUint32(at, true) : fallback;
  }

  float32(index, fallback = 0) {
    const at = this.field(index);
    return at ? this.view.getFloat32(at, true) : fallback;
  }

  bool(index, fallback = false) {
    const at = this.field(index);
    return at ? this.view.getUint8(at) !== 0 : fallback;
  }

  /** Follows an offset field (table, vector or string) to the position it points at. */
  target(index) {
    const at = this.field(index);
    return at ? at + this.view.getUint32(at, true) : 0;
  }

  table(index) {
    const at = this.target(index);
    return at ? new Table(this.view, at) : undefined;
  }

  /** A vector's element count and the position of its first element. */
  vector(index) {
    const at = this.target(index);
    return at ? { length: this.view.getUint32(at, true), start: at + 4 } : { length: 0, start: 0 };
  }

  int32s(index) {
    const { length, start } = this.vector(index);
    return Array.from({ length }, (_, i) => this.view.getInt32(start + 4 * i, true));
  }

  /** A [ubyte] vector as a view into the model's bytes (not copied). */
  bytes(index) {
    const { length, start } = this.vector(index);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + start, length);
  }

  tables(index) {
    const { length, start } = this.vector(index);
    return Array.from({ length }, (_, i) => {
      const element = start + 4 * i;
      return new Table(this.view, element + this.view.getUint32(element, true));
    });
  }

  string(index) {
    const { length, start } = this.vector(index);
    return length === 0 ? '' : new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + start, length));
  }
}

/** BuiltinOperator values this reader names; any other operator is reported by number. */
export const BUILTIN_OPERATORS = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  9: 'FULLY_CONNECTED',
  14: 'LOGISTIC',
  17: 'MAX_POOL_2D',
  18: 'MUL',
  19: 'RELU',
  22: 'RESHAPE',
  25: 'SOFTMAX',
  28: 'TANH',
  34: 'PAD',
  39: 'TRANSPOSE',
  41: 'SUB',
  42: 'DIV',
  43: 'SQUEEZE',
  47: 'EXP',
  54: 'PRELU',
  55: 'MAXIMUM',
  57: 'MINIMUM',
  59: 'NEG',
  74: 'SUM',
  82: 'REDUCE_MAX',
};

/** TensorType values: only FLOAT32 and INT32 tensors occur in the graphs this tool converts. */
export const TENSOR_TYPES = { 0: 'float32', 1: 'float16', 2: 'int32', 3: 'uint8', 4: 'int64', 9: 'int8' };

const PADDING = ['SAME', 'VALID'];
const ACTIVATIONS = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

const fusedActivation = (t) => ({ activation: ACTIVATIONS[t.int8(0)] });

/** Builtin options by their BuiltinOptions union type: the fields O-Net-like graphs use. */
const OPTION_READERS = {
  1: (t) => ({
    padding: PADDING[t.int8(0)],
    strideW: t.int32(1),
    strideH: t.int32(2),
    activation: ACTIVATIONS[t.int8(3)],
    dilationW: t.int32(4, 1),
    dilationH: t.int32(5, 1),
  }),
  5: (t) => ({
    padding: PADDING[t.int8(0)],
    strideW: t.int32(1),
    strideH: t.int32(2),
    filterW: t.int32(3),
    filterH: t.int32(4),
    activation: ACTIVATIONS[t.int8(5)],
  }),
  8: (t) => ({ activation: ACTIVATIONS[t.int8(0)], weightsFormat: t.int8(1), keepNumDims: t.bool(2) }),
  9: (t) => ({ beta: t.float32(0) }),
  11: fusedActivation, // AddOptions
  17: (t) => ({ newShape: t.int32s(0) }),
  21: fusedActivation, // MulOptions
  27: (t) => ({ keepDims: t.bool(0) }), // ReducerOptions
  28: fusedActivation, // SubOptions
  29: fusedActivation, // DivOptions
};

/** The model's first subgraph: tensors with their constant data, operators in execution order. */
export function readTflite(model) {
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3')
    throw new Error('tflite-reader: not a TFLite model (no TFL3 identifier)');
  const root = new Table(view, view.getUint32(0, true));
  const buffers = root.tables(4).map((buffer) => buffer.bytes(0));
  const opcodes = root.tables(1).map((code) => Math.max(code.int8(0), code.int32(3)));
  const subgraphs = root.tables(2);
  if (subgraphs.length !== 1) throw new Error(`tflite-reader: expected one subgraph, found ${subgraphs.length}`);
  const graph = subgraphs[0];
  const tensors = graph.tables(0).map((tensor) => {
    const data = buffers[tensor.uint32(2)];
    return {
      name: tensor.string(3),
      shape: tensor.int32s(0),
      type: TENSOR_TYPES[tensor.int8(1)] ?? `type ${tensor.int8(1)}`,
      quantized: tensor.table(4)?.vector(2).length > 0,
      data: data && data.length > 0 ? data : undefined,
    };
  });
  const operators = graph.tables(3).map((operator) => {
    const code = opcodes[operator.uint32(0)];
    const optionsType = operator.uint8(3);
    const optionsTable = operator.table(4);
    const readOptions = OPTION_READERS[optionsType];
    return {
      op: BUILTIN_OPERATORS[code] ?? `builtin ${code}`,
      inputs: operator.int32s(1),
      outputs: operator.int32s(2),
      options: optionsTable && readOptions ? readOptions(optionsTable) : {},
    };
  });
  return { version: root.uint32(0), tensors, operators, inputs: graph.int32s(1), outputs: graph.int32s(2) };
}
