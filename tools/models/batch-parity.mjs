// Proves a batch-rewritten graph computes what the source graph computes: every row of a batch of
// 1, 2 and 8 must match the source graph run on that row alone (batch 1). A constant in the graph
// that still assumes batch 1 shows up here as a wrong output shape or mixed-up rows.

export const PARITY_BATCHES = [1, 2, 8];
export const PARITY_TOLERANCE = 1e-5;

/** Deterministic inputs in [-1, 1) (the embedder's normalised pixel range), so the check repeats exactly. */
export function pseudoRandom(length, seed) {
  const values = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

/**
 * Runs both graphs (ONNX bytes) on one input/output pair; `rowDims` is the input shape without
 * the batch. Returns the largest absolute difference per batch size; throws on a shape mismatch
 * or a difference above the tolerance.
 */
export async function checkBatchParity(sourceBytes, batchedBytes, { input, output, rowDims }) {
  // Imported here, so models:build's up-to-date check never loads ONNX Runtime.
  const ort = await import('onnxruntime-node');
  // Errors only: a wrong graph's shape warning would repeat what the thrown error says.
  const options = { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 };
  const source = await ort.InferenceSession.create(sourceBytes, options);
  const batched = await ort.InferenceSession.create(batchedBytes, options);
  try {
    const rowSize = rowDims.reduce((a, b) => a * b, 1);
    const largest = Math.max(...PARITY_BATCHES);
    const data = pseudoRandom(rowSize * largest, 20261128);
    const expected = [];
    for (let row = 0; row < largest; row++) {
      const feeds = { [input]: new ort.Tensor('float32', data.slice(row * rowSize, (row + 1) * rowSize), [1, ...rowDims]) };
      expected.push((await source.run(feeds))[output].data);
    }
    const maxAbsDiff = {};
    for (const batch of PARITY_BATCHES) {
      const feeds = { [input]: new ort.Tensor('float32', data.slice(0, batch * rowSize), [batch, ...rowDims]) };
      const result = (await batched.run(feeds))[output];
      const rowOut = expected[0].length;
      if (result.dims[0] !== batch || result.data.length !== batch * rowOut) {
        throw new Error(`batch ${batch}: output "${output}" has shape [${result.dims.join(', ')}], expected [${batch}, ...] of ${rowOut} per row`);
      }
      let worst = 0;
      for (let row = 0; row < batch; row++) {
        for (let i = 0; i < rowOut; i++) worst = Math.max(worst, Math.abs(result.data[row * rowOut + i] - expected[row][i]));
      }
      if (!(worst <= PARITY_TOLERANCE)) throw new Error(`batch ${batch}: max abs diff ${worst} > ${PARITY_TOLERANCE}`);
      maxAbsDiff[batch] = worst;
    }
    return maxAbsDiff;
  } finally {
    await Promise.all([source.release(), batched.release()]);
  }
}
