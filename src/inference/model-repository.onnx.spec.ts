import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { modelRepository } from '../../test/support/face-fixtures.js';
import { MODEL_SPECS } from '../../tools/models/model-specs.mjs';
import { FACE_MODELS, modelPaths, parseModelConfig } from './model-repository.js';
import { sessionTensors } from './onnx-runtime.backend.js';

/**
 * Triton loads model_repository/ as it is, so every config.pbtxt must agree with its ONNX file:
 * the same tensor names and data types, the dims of the graph minus a batch dimension that is
 * symbolic exactly when max_batch_size > 0, and dynamic_batching only on a batching model.
 */
const models = readdirSync(modelRepository).filter((entry) => statSync(join(modelRepository, entry)).isDirectory());

describe('model_repository/ config.pbtxt against the ONNX files', () => {
  it('holds the face models and the second embedder, each in Triton layout', () => {
    expect([...models].sort()).toEqual(MODEL_SPECS.map((spec) => spec.name).sort());
    expect(models).toEqual(expect.arrayContaining(Object.values(FACE_MODELS)));
    for (const model of models) {
      expect(statSync(modelPaths(modelRepository, model).onnx).isFile()).toBe(true);
    }
  });

  describe.each(models)('%s', (model) => {
    const config = parseModelConfig(readFileSync(modelPaths(modelRepository, model).config, 'utf8'));
    let session: ort.InferenceSession;
    beforeAll(async () => {
      session = await ort.InferenceSession.create(modelPaths(modelRepository, model).onnx, { intraOpNumThreads: 1 });
    });
    afterAll(() => session?.release());

    it('names the folder, the onnxruntime_onnx platform, and batches dynamically iff max_batch_size > 0', () => {
      expect(config.name).toBe(model);
      expect(config.platform).toBe('onnxruntime_onnx');
      expect(config.maxBatchSize).toBeGreaterThanOrEqual(0);
      expect(config.dynamicBatching).toBe(config.maxBatchSize > 0);
    });

    it('declares exactly the graph tensors: names, data types, dims (batch dim symbolic iff max_batch_size > 0)', () => {
      const graph = sessionTensors(session);
      const declared = (tensors: typeof config.inputs) =>
        tensors.map((t) => ({ name: t.name, dataType: t.dataType, dims: config.maxBatchSize > 0 ? [-1, ...t.dims] : [...t.dims] }));
      expect(graph.inputs).toEqual(declared(config.inputs));
      expect(graph.outputs).toEqual(declared(config.outputs));
      for (const tensor of [...graph.inputs, ...graph.outputs]) {
        // Only the batch dimension may be symbolic, and only on a batching model.
        tensor.dims.forEach((dim, index) => expect(dim === -1).toBe(index === 0 && config.maxBatchSize > 0));
      }
    });

    it('runs at batch 1 and, when it batches, at max_batch_size, with outputs of the declared dims', async () => {
      const batches = config.maxBatchSize > 0 ? [1, config.maxBatchSize] : [0];
      for (const batch of batches) {
        const prefix = batch > 0 ? [batch] : [];
        const feeds = Object.fromEntries(
          config.inputs.map((input) => {
            const dims = [...prefix, ...input.dims];
            return [input.name, new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.25), dims)];
          }),
        );
        const results = await session.run(feeds);
        for (const output of config.outputs) expect(results[output.name].dims).toEqual([...prefix, ...output.dims]);
      }
    });
  });
});
