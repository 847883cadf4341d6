// Converts a float32 TFLite graph to ONNX, for the operators MTCNN's O-Net uses and no others:
// CONV_2D, MAX_POOL_2D, FULLY_CONNECTED, RELU, NEG, EXP, ADD, SUB, MUL, DIV, REDUCE_MAX, SUM.
// Anything else (another operator, a quantized tensor, a fused activation other than RELU) is
// refused by name rather than guessed at. Pure and deterministic: TFLite bytes in, ONNX bytes out.
//
// Layout: TFLite is NHWC, ONNX's Conv and MaxPool are NCHW. A 4-D graph input is transposed to NCHW
// once; 4-D activations stay NCHW; constants that broadcast against them (per-channel vectors such
// as PReLU's alpha) are reshaped to [C, 1, 1]; weights are transposed at conversion time; a 4-D
// tensor is transposed back to NHWC before FULLY_CONNECTED flattens it, so the flattening order
// (and so every weight) is TFLite's. The graph's inputs and outputs keep TFLite's shapes.
import { encodeOnnxModel } from './onnx-writer.mjs';
import { readTflite } from './tflite-reader.mjs';

export const ONNX_OPSET = 13;
const ONNX_IR_VERSION = 7; // the IR version that goes with opset 13

const UNARY = { RELU: 'Relu', NEG: 'Neg', EXP: 'Exp' };
const BINARY = { ADD: 'Add', SUB: 'Sub', MUL: 'Mul', DIV: 'Div' };
const REDUCE = { REDUCE_MAX: 'ReduceMax', SUM: 'ReduceSum' };
export const CONVERTIBLE_OPERATORS = [
  'CONV_2D',
  'MAX_POOL_2D',
  'FULLY_CONNECTED',
  ...Object.keys(UNARY),
  ...Object.keys(BINARY),
  ...Object.keys(REDUCE),
];

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

function typed(tensor, Type) {
  const copy = Uint8Array.from(tensor.data); // aligned copy: flatbuffer data need not be
  return new Type(copy.buffer);
}

/** Reorders a dense row-major array of `shape` by `perm` (as numpy.transpose). */
export function transposeData(data, shape, perm) {
  const outShape = perm.map((axis) => shape[axis]);
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const out = new data.constructor(data.length);
  const index = new Array(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let k = 0; k < perm.length; k++) source += index[k] * strides[perm[k]];
    out[o] = data[source];
    for (let k = outShape.length - 1; k >= 0 && ++index[k] === outShape[k]; k--) index[k] = 0;
  }
  return out;
}

/** TFLite's SAME/VALID padding as ONNX's explicit [h_begin, w_begin, h_end, w_end]. */
export function explicitPads(padding, [inH, inW], [kH, kW], [sH, sW], [dH, dW] = [1, 1]) {
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding !== 'SAME') throw new Error(`tflite-to-onnx: padding ${padding}`);
  const along = (size, kernel, stride, dilation) => {
    const total = Math.max((Math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [top, bottom] = along(inH, kH, sH, dH);
  const [left, right] = along(inW, kW, sW, dW);
  return [top, left, bottom, right];
}

class GraphBuilder {
  constructor(model, rename) {
    this.model = model;
    this.rename = rename;
    this.nodes = [];
    this.initializers = [];
    this.used = new Set();
    /** TFLite tensor index -> { name, nchw } for every tensor computed so far. */
    this.values = new Map();
  }

  tensor(index) {
    return this.model.tensors[index];
  }

  unique(base) {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}_${n}`;
    this.used.add(name);
    return name;
  }

  constant(name, dims, data) {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, type: data instanceof BigInt64Array ? 'int64' : 'float32', data });
    return unique;
  }

  node(op, inputs, outputs, attributes) {
    this.nodes.push({ op, inputs, outputs, name: outputs[0], attributes });
  }

  value(index) {
    const value = this.values.get(index);
    if (!value) throw new Error(`tflite-to-onnx: tensor "${this.tensor(index).name}" is used before it is computed`);
    return value;
  }

  /** Names the output of an operator; a graph output gets its public name (after any transpose back). */
  produce(index, nchw) {
    const tensor = this.tensor(index);
    const isGraphOutput = this.model.outputs.includes(index);
    const name = isGraphOutput && !nchw ? this.rename[tensor.name] : this.unique(tensor.name);
    this.values.set(index, { name, nchw });
    return name;
  }

  /** Appends a fused activation after the node that wrote `raw`, ending in the operator's output. */
  finish(op, rawName, index, nchw) {
    const activation = op.options.activation ?? 'NONE';
    if (activation === 'NONE') return;
    if (activation !== 'RELU') throw new Error(`tflite-to-onnx: ${op.op} with fused ${activation} is not supported`);
    this.node('Relu', [rawName], [this.produce(index, nchw)]);
  }

  /** The name an operator writes to: its output, or a temporary when a fused activation follows. */
  target(op, index, nchw) {
    return (op.options.activation ?? 'NONE') === 'NONE' ? this.produce(index, nchw) : this.unique(`${this.tensor(index).name}/pre_activation`);
  }

  weights(index, perm) {
    const tensor = this.tensor(index);
    const data = typed(tensor, Float32Array);
    return this.constant(
      tensor.name,
      perm ? perm.map((axis) => tensor.shape[axis]) : tensor.shape,
      perm ? transposeData(data, tensor.shape, perm) : data,
    );
  }

  /** A constant operand of an element-wise op, shaped to broadcast as it did in NHWC. */
  broadcastConstant(index, nchw) {
    const tensor = this.tensor(index);
    const data = typed(tensor, Float32Array);
    if (!nchw) return this.constant(tensor.name, tensor.shape, data);
    if (tensor.shape.length === 0) return this.constant(tensor.name, [], data);
    if (tensor.shape.length === 1) return this.constant(tensor.name, [tensor.shape[0], 1, 1], data);
    if (tensor.shape.length === 4)
      return this.constant(
        tensor.name,
        TO_NCHW.map((a) => tensor.shape[a]),
        transposeData(data, tensor.shape, TO_NCHW),
      );
    throw new Error(`tflite-to-onnx: constant "${tensor.name}" of shape [${tensor.shape}] against an NCHW activation`);
  }

  convolution(op) {
    const [x, w, b] = op.inputs;
    if (!this.value(x).nchw) throw new Error('tflite-to-onnx: CONV_2D on a tensor that is not 4-D');
    const [, inH, inW] = this.tensor(x).shape;
    const [, kH, kW] = this.tensor(w).shape;
    const { strideH, strideW, dilationH, dilationW, padding } = op.options;
    const inputs = [this.value(x).name, this.weights(w, TO_NCHW)];
    if (b >= 0) inputs.push(this.weights(b));
    const out = this.target(op, op.outputs[0], true);
    this.node('Conv', inputs, [out], {
      dilations: [dilationH, dilationW],
      kernel_shape: [kH, kW],
      pads: explicitPads(padding, [inH, inW], [kH, kW], [strideH, strideW], [dilationH, dilationW]),
      strides: [strideH, strideW],
    });
    this.finish(op, out, op.outputs[0], true);
  }

  maxPool(op) {
    const [x] = op.inputs;
    if (!this.value(x).nchw) throw new Error('tflite-to-onnx: MAX_POOL_2D on a tensor that is not 4-D');
    const [, inH, inW] = this.tensor(x).shape;
    const { filterH, filterW, strideH, strideW, padding } = op.options;
    const out = this.target(op, op.outputs[0], true);
    this.node('MaxPool', [this.value(x).name], [out], {
      kernel_shape: [filterH, filterW],
      pads: explicitPads(padding, [inH, inW], [filterH, filterW], [strideH, strideW]),
      strides: [strideH, strideW],
    });
    this.finish(op, out, op.outputs[0], true);
  }

  fullyConnected(op) {
    const [x, w, b] = op.inputs;
    if (op.options.keepNumDims || op.options.weightsFormat !== 0) throw new Error('tflite-to-onnx: FULLY_CONNECTED options other than the default');
    const depth = this.tensor(w).shape[1];
    let input = this.value(x).name;
    if (this.value(x).nchw) {
      const nhwc = this.unique(`${this.tensor(x).name}/nhwc`);
      this.node('Transpose', [input], [nhwc], { perm: TO_NHWC });
      input = nhwc;
    }
    const flat = this.unique(`${this.tensor(x).name}/flat`);
    this.node('Reshape', [input, this.constant(`${flat}/shape`, [2], BigInt64Array.from([-1n, BigInt(depth)]))], [flat]);
    const inputs = [flat, this.weights(w)];
    if (b >= 0) inputs.push(this.weights(b));
    const out = this.target(op, op.outputs[0], false);
    this.node('Gemm', inputs, [out], { transB: 1 });
    this.finish(op, out, op.outputs[0], false);
  }

  elementwise(op) {
    const operands = op.inputs.map((index) => (this.tensor(index).data ? undefined : this.value(index)));
    const nchw = operands.some((operand) => operand?.nchw);
    const names = op.inputs.map((index, k) => operands[k]?.name ?? this.broadcastConstant(index, nchw));
    const onnxOp = UNARY[op.op] ?? BINARY[op.op];
    const out = this.target(op, op.outputs[0], nchw);
    this.node(onnxOp, names, [out]);
    this.finish(op, out, op.outputs[0], nchw);
  }

  reduce(op) {
    const [x, axesIndex] = op.inputs;
    if (this.value(x).nchw) throw new Error(`tflite-to-onnx: ${op.op} over a 4-D tensor is not supported`);
    const axes = Array.from(typed(this.tensor(axesIndex), Int32Array));
    const keepdims = op.options.keepDims ? 1 : 0;
    const out = this.produce(op.outputs[0], false);
    if (op.op === 'REDUCE_MAX') this.node('ReduceMax', [this.value(x).name], [out], { axes, keepdims });
    // Opset 13 moved ReduceSum's axes (only) from an attribute to an input.
    else
      this.node('ReduceSum', [this.value(x).name, this.constant(`${out}/axes`, [axes.length], BigInt64Array.from(axes, BigInt))], [out], {
        keepdims,
      });
  }
}

/**
 * Converts `tflite` (bytes) to ONNX bytes. `rename` maps every graph input and output's TFLite
 * name to its ONNX name; the graph must be float32 and use only CONVERTIBLE_OPERATORS.
 */
export function convertTfliteToOnnx(tflite, options) {
  return convertTfliteModel(readTflite(tflite), options);
}

/** convertTfliteToOnnx on a model already read by readTflite (plain objects). */
export function convertTfliteModel(model, { graphName, rename, producerVersion = '1', doc }) {
  const endpoints = [...model.inputs, ...model.outputs].map((index) => model.tensors[index].name);
  const unnamed = endpoints.filter((name) => !rename[name]);
  if (unnamed.length > 0 || Object.keys(rename).length !== endpoints.length) {
    throw new Error(`tflite-to-onnx: rename must name exactly the graph inputs and outputs (${endpoints.join(', ')})`);
  }
  for (const tensor of model.tensors) {
    if (tensor.quantized) throw new Error(`tflite-to-onnx: tensor "${tensor.name}" is quantized`);
    if (tensor.type !== 'float32' && !(tensor.type === 'int32' && tensor.data))
      throw new Error(`tflite-to-onnx: tensor "${tensor.name}" is ${tensor.type}`);
  }
  const builder = new GraphBuilder(model, rename);
  for (const name of Object.values(rename)) builder.used.add(name);
  const graphInputs = model.inputs.map((index) => {
    const tensor = model.tensors[index];
    const name = rename[tensor.name];
    if (tensor.shape.length !== 4) builder.values.set(index, { name, nchw: false });
    else builder.node('Transpose', [name], [builder.produce(index, true)], { perm: TO_NCHW });
    return { name, dims: tensor.shape };
  });
  for (const op of model.operators) {
    if (op.op === 'CONV_2D') builder.convolution(op);
    else if (op.op === 'MAX_POOL_2D') builder.maxPool(op);
    else if (op.op === 'FULLY_CONNECTED') builder.fullyConnected(op);
    else if (UNARY[op.op] || BINARY[op.op]) builder.elementwise(op);
    else if (REDUCE[op.op]) builder.reduce(op);
    else throw new Error(`tflite-to-onnx: operator ${op.op} is not supported (supported: ${CONVERTIBLE_OPERATORS.join(', ')})`);
  }
  const graphOutputs = model.outputs.map((index) => {
    const tensor = model.tensors[index];
    const value = builder.value(index);
    if (value.nchw) builder.node('Transpose', [value.name], [rename[tensor.name]], { perm: TO_NHWC });
    return { name: rename[tensor.name], dims: tensor.shape };
  });
  return encodeOnnxModel(
    { name: graphName, nodes: builder.nodes, initializers: builder.initializers, inputs: graphInputs, outputs: graphOutputs },
    { opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION, producer: 'face-matrix tools/models/tflite-to-onnx.mjs', producerVersion, doc },
  );
}
