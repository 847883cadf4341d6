// Proves a converted graph computes what the TFLite graph computes: both run on the same
// deterministic inputs, TFLite in its own runtime (tflite-reference.mjs), the ONNX graph in ONNX
// Runtime, and every output must agree within the tolerance.
import { pseudoRandom } from './batch-parity.mjs';
import { loadTfliteReference } from './tflite-reference.mjs';

export const TFLITE_PARITY_SAMPLES = 16;
export const TFLITE_PARITY_TOLERANCE = 1e-5;

/**
 * Runs both graphs on TFLITE_PARITY_SAMPLES inputs in [-1, 1) and returns the largest absolute
 * difference per output (ONNX name). `rename` maps TFLite names to ONNX names, as the converter
 * was given. Returns undefined when the reference runtime is not installed; throws on a mismatch.
 */
export async function checkTfliteParity(tfliteBytes, onnxBytes, rename) {
  const reference = await loadTfliteReference(tfliteBytes);
  if (!reference) return undefined;
  // Imported here, so models:build's up-to-date check never loads ONNX Runtime.
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnxBytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const worst = Object.fromEntries(reference.outputs.map((tensor) => [rename[tensor.name], 0]));
    for (let sample = 0; sample < TFLITE_PARITY_SAMPLES; sample++) {
      const feeds = {};
      const onnxFeeds = {};
      reference.inputs.forEach((tensor, k) => {
        const size = tensor.shape.reduce((a, b) => a * b, 1);
        feeds[tensor.name] = pseudoRandom(size, 20261201 + 7919 * sample + k);
        onnxFeeds[rename[tensor.name]] = new ort.Tensor('float32', feeds[tensor.name], tensor.shape);
      });
      const expected = reference.run(feeds);
      const actual = await session.run(onnxFeeds);
      for (const tensor of reference.outputs) {
        const name = rename[tensor.name];
        const got = actual[name].data;
        const want = expected[tensor.name];
        if (got.length !== want.length) throw new Error(`tflite parity: output "${name}" has ${got.length} values, TFLite gives ${want.length}`);
        for (let i = 0; i < want.length; i++) worst[name] = Math.max(worst[name], Math.abs(got[i] - want[i]));
      }
    }
    for (const [name, diff] of Object.entries(worst)) {
      if (!(diff <= TFLITE_PARITY_TOLERANCE))
        throw new Error(`tflite parity: output "${name}" differs from TFLite by ${diff} > ${TFLITE_PARITY_TOLERANCE}`);
    }
    return worst;
  } finally {
    reference.close();
    await session.release();
  }
}
