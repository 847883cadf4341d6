import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_PREPROCESSING } from '../../test/support/embedders.js';
import { modelRepository } from '../../test/support/face-fixtures.js';
import { MODEL_SPECS } from '../../tools/models/model-specs.mjs';
import { readEmbedderContract } from './embedder-contract.js';
import { FACE_MODELS, modelPaths, readModelConfig, readModelManifest } from './model-repository.js';
import { OnnxRuntimeBackend } from './onnx-runtime.backend.js';

describe('the built model repository', () => {
  it.each(MODEL_SPECS.map((spec) => spec.name))('%s: model.onnx has the hash its manifest records, from the pinned package', (model) => {
    const manifest = readModelManifest(modelRepository, model);
    const actual = createHash('sha256')
      .update(readFileSync(modelPaths(modelRepository, model).onnx))
      .digest('hex');
    expect(manifest.model).toBe(model);
    expect(manifest.output.sha256).toBe(actual);
    const pinned = MODEL_SPECS.find((spec) => spec.name === model)!.sourcePackage;
    expect(manifest.source).toMatchObject({ package: pinned.name, version: pinned.version, integrity: pinned.integrity });
  });

  it.each([
    [FACE_MODELS.embedder, 512],
    ['face_embedder_256', 256],
  ])('%s declares its preprocessing, and its vectors have the length its graph gives (%i)', async (model, dimension) => {
    const embedder = readEmbedderContract(modelRepository, model);
    expect(embedder.dimension).toBe(dimension);
    expect(embedder.preprocessing).toEqual(SHIPPED_PREPROCESSING);
    expect(readModelConfig(modelRepository, model).platform).toBe('onnxruntime_onnx');
    const backend = await OnnxRuntimeBackend.create({ modelRepository, ortIntraOpThreads: 1 }, [model]);
    try {
      const outputs = await backend.infer(model, {
        [embedder.inputName]: { data: new Float32Array(2 * 3 * 112 * 112).fill(0.1), dims: embedder.inputDims(2) },
      });
      expect(outputs[embedder.outputName].dims).toEqual([2, dimension]);
    } finally {
      await backend.onModuleDestroy();
    }
  });
});

describe('OnnxRuntimeBackend', () => {
  it('loads every model, reports each ready, and runs the embedder on its config.pbtxt shapes', async () => {
    // create() itself compares each config.pbtxt with the names and dims the ONNX session reports.
    const backend = await OnnxRuntimeBackend.create({ modelRepository, ortIntraOpThreads: 1 });
    try {
      expect(await backend.status()).toEqual(Object.values(FACE_MODELS).map((model) => ({ model, ready: true })));
      const config = backend.modelConfig(FACE_MODELS.embedder);
      // The embedder batches (max_batch_size > 0): its config dims leave the batch out.
      expect(config.maxBatchSize).toBeGreaterThan(0);
      for (const batch of [1, 3]) {
        const dims = [batch, ...config.inputs[0].dims];
        const outputs = await backend.infer(FACE_MODELS.embedder, {
          [config.inputs[0].name]: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1), dims },
        });
        expect(outputs[config.outputs[0].name].dims).toEqual([batch, ...config.outputs[0].dims]);
      }
    } finally {
      await backend.onModuleDestroy();
    }
  });

  it('reports a model without a session, and every model once the sessions are released, as not ready', async () => {
    const backend = await OnnxRuntimeBackend.create({ modelRepository, ortIntraOpThreads: 1 }, [FACE_MODELS.detector]);
    expect(await backend.status()).toEqual([
      { model: FACE_MODELS.detector, ready: true },
      { model: FACE_MODELS.landmarks, ready: false, reason: 'no session loaded for this model' },
      { model: FACE_MODELS.embedder, ready: false, reason: 'no session loaded for this model' },
      { model: FACE_MODELS.landmarks5, ready: false, reason: 'no session loaded for this model' },
    ]);
    await backend.onModuleDestroy();
    expect((await backend.status())[0]).toEqual({ model: FACE_MODELS.detector, ready: false, reason: 'session released (shutting down)' });
  });

  describe('with a broken repository', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'model-repo-'));
      cpSync(modelRepository, copy, { recursive: true });
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('fails at start, naming the fix, when a model file is missing', async () => {
      rmSync(modelPaths(copy, FACE_MODELS.landmarks).onnx);
      await expect(OnnxRuntimeBackend.create({ modelRepository: copy, ortIntraOpThreads: 1 })).rejects.toThrow(
        /face_landmarks.*npm run models:build/,
      );
    });

    it.each([
      ['a dim', FACE_MODELS.embedder, 'dims: [ 512 ]', 'dims: [ 128 ]'],
      ['a data type', FACE_MODELS.embedder, 'data_type: TYPE_FP32', 'data_type: TYPE_FP16'],
      ['max_batch_size 0 over a graph whose batch is dynamic', FACE_MODELS.embedder, 'max_batch_size: 16', 'max_batch_size: 0'],
      ['max_batch_size > 0 over a graph with a fixed batch of 1', FACE_MODELS.landmarks, 'max_batch_size: 0', 'max_batch_size: 4'],
    ])('fails at start when config.pbtxt disagrees with the ONNX graph: %s', async (_, model, from, to) => {
      const path = modelPaths(copy, model).config;
      const text = readFileSync(path, 'utf8');
      expect(text).toContain(from);
      writeFileSync(path, text.replace(from, to));
      await expect(OnnxRuntimeBackend.create({ modelRepository: copy, ortIntraOpThreads: 1 })).rejects.toThrow(/does not match the ONNX graph/);
    });
  });
});
