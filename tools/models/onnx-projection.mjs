// A second embedder from the shipped one: its graph with a fixed orthogonal projection appended
// (MatMul by a constant [inputDim, outputDim] matrix), so that `models:build` ships an embedder of
// another dimension and the bring-your-own-embedder contract (docs/models.md) is exercised end to end.
// The edit is on the wire, like onnx-batch-dim.mjs: the graph keeps every byte it had except its one
// output's ValueInfo, which is replaced; a MatMul node and its initializer are appended. Pure and
// deterministic: the matrix comes from integer arithmetic and one correctly rounded square root.
//   ModelProto.graph = 7; GraphProto.node = 1, .initializer = 5, .output = 12; ValueInfoProto.name = 1,
//   .type = 2; TypeProto.tensor_type = 1; Tensor.elem_type = 1, .shape = 2; TensorShapeProto.dim = 1;
//   Dimension.dim_value = 1, .dim_param = 2.
import { fields } from './onnx-batch-dim.mjs';
import { bytes, initializer, int, node, ONNX_FLOAT, varint } from './onnx-writer.mjs';

/** A xorshift32 stream: the same integers on every platform. */
function integerStream(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/**
 * A subsampled randomised Hadamard transform, as a row-major [inputDim, outputDim] matrix W with
 * orthonormal columns (WᵀW = I): column j is sign_i · H[i][c_j] / sqrt(inputDim), with H the Sylvester
 * Hadamard matrix (entries (-1)^popcount(i & c)), random signs and `outputDim` distinct columns c_j
 * picked by a seeded shuffle. Distinct Hadamard columns are orthogonal, and the signs keep them so.
 */
export function orthogonalProjection(inputDim, outputDim, seed) {
  if (!Number.isInteger(Math.log2(inputDim)) || outputDim < 1 || outputDim > inputDim) {
    throw new Error(`onnx-projection: need a power-of-two input dimension and 1 <= output <= input (got ${inputDim} -> ${outputDim})`);
  }
  const next = integerStream(seed);
  const signs = Array.from({ length: inputDim }, () => (next() & 1 ? -1 : 1));
  const columns = Array.from({ length: inputDim }, (_, i) => i);
  for (let i = inputDim - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [columns[i], columns[j]] = [columns[j], columns[i]];
  }
  const scale = 1 / Math.sqrt(inputDim);
  const matrix = new Float32Array(inputDim * outputDim);
  for (let i = 0; i < inputDim; i++) {
    for (let j = 0; j < outputDim; j++) {
      let parity = i & columns[j];
      let odd = 0;
      while (parity) {
        odd ^= parity & 1;
        parity >>>= 1;
      }
      matrix[i * outputDim + j] = (odd ? -signs[i] : signs[i]) * scale;
    }
  }
  return matrix;
}

/** A float32 graph output [batch, dimension] with a symbolic batch. */
function batchedValueInfo(name, dimParam, dimension) {
  const shape = bytes(2, bytes(1, bytes(2, dimParam)), bytes(1, int(1, dimension)));
  return bytes(12, bytes(1, name), bytes(2, bytes(1, int(1, ONNX_FLOAT), shape)));
}

const text = (field) => Buffer.from(field.payload).toString('utf8');
const valueInfoName = (field) => text(fields(field.payload).find((part) => part.number === 1 && part.wire === 2) ?? { payload: new Uint8Array() });

/**
 * Returns `model` (ONNX ModelProto bytes, batch dimension already symbolic) with `from` [batch, n]
 * multiplied by `matrix` [n, dimension] into a new graph output `to` [batch, dimension], which
 * replaces `from` as the graph's output. Throws unless `from` is the one graph output.
 */
export function withAppendedProjection(model, { from, to, matrix, dimension, dimParam = 'batch' }) {
  const bytesIn = model instanceof Uint8Array ? model : new Uint8Array(model);
  const top = fields(bytesIn);
  const graphs = top.filter((field) => field.number === 7 && field.wire === 2);
  if (graphs.length !== 1) throw new Error(`onnx-projection: expected one graph, found ${graphs.length}`);
  const graph = fields(graphs[0].payload);
  const outputs = graph.filter((field) => field.number === 12 && field.wire === 2);
  if (outputs.length !== 1 || valueInfoName(outputs[0]) !== from) {
    throw new Error(`onnx-projection: the graph must have exactly one output, "${from}" (found ${outputs.map(valueInfoName).join(', ')})`);
  }
  const inputDim = matrix.length / dimension;
  if (!Number.isInteger(inputDim)) throw new Error(`onnx-projection: a matrix of ${matrix.length} values has no ${dimension} columns`);
  const weights = `${to}_projection`;
  const graphPayload = Buffer.concat([
    ...graph.map((field) => (field === outputs[0] ? batchedValueInfo(to, dimParam, dimension) : field.raw)),
    node({ op: 'MatMul', inputs: [from, weights], outputs: [to], name: `${to}_projection_matmul` }),
    initializer({ name: weights, dims: [inputDim, dimension], type: 'float32', data: matrix }),
  ]);
  return Buffer.concat(top.map((field) => (field === graphs[0] ? Buffer.concat([field.key, varint(graphPayload.length), graphPayload]) : field.raw)));
}

/** Largest |projected - base × matrix| allowed: float32 MatMul of a 512-vector of magnitude ~0.2. */
export const PROJECTION_PARITY_TOLERANCE = 1e-5;
export const PROJECTION_PARITY_ROWS = 8;

/**
 * Runs the base graph and the projected one on the same deterministic batch and checks that every
 * projected row equals the base row times `matrix`, computed here in float64. Returns the max abs diff.
 */
export async function checkProjectionParity(baseBytes, projectedBytes, { input, baseOutput, output, rowDims, matrix, dimension }) {
  const ort = await import('onnxruntime-node');
  const { pseudoRandom } = await import('./batch-parity.mjs');
  const options = { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 };
  const base = await ort.InferenceSession.create(baseBytes, options);
  const projected = await ort.InferenceSession.create(projectedBytes, options);
  try {
    const rowSize = rowDims.reduce((a, b) => a * b, 1);
    const feeds = {
      [input]: new ort.Tensor('float32', pseudoRandom(rowSize * PROJECTION_PARITY_ROWS, 20261216), [PROJECTION_PARITY_ROWS, ...rowDims]),
    };
    const baseRows = (await base.run(feeds))[baseOutput];
    const result = (await projected.run(feeds))[output];
    if (result.dims.join() !== `${PROJECTION_PARITY_ROWS},${dimension}`) {
      throw new Error(`output "${output}" has shape [${result.dims.join(', ')}], expected [${PROJECTION_PARITY_ROWS}, ${dimension}]`);
    }
    const inputDim = baseRows.dims[1];
    let worst = 0;
    for (let row = 0; row < PROJECTION_PARITY_ROWS; row++) {
      for (let j = 0; j < dimension; j++) {
        let expected = 0;
        for (let i = 0; i < inputDim; i++) expected += baseRows.data[row * inputDim + i] * matrix[i * dimension + j];
        worst = Math.max(worst, Math.abs(result.data[row * dimension + j] - expected));
      }
    }
    if (!(worst <= PROJECTION_PARITY_TOLERANCE)) throw new Error(`projection parity: max abs diff ${worst} > ${PROJECTION_PARITY_TOLERANCE}`);
    return worst;
  } finally {
    await Promise.all([base.release(), projected.release()]);
  }
}
