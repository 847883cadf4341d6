import { existsSync } from 'node:fs';
import { threadNice, threadsAtNice } from '../../test/support/thread-nice.js';
import { createOnnxBackend, modelRepository } from '../../test/support/face-fixtures.js';
import { InferenceUnavailableError } from './inference-backend.js';
import { FACE_MODELS } from './model-repository.js';
import { OnnxRuntimeBackend } from './onnx-runtime.backend.js';
import { OnnxWorkerPoolBackend } from './onnx-worker-pool.backend.js';

describe('OnnxWorkerPoolBackend', () => {
  let inProcess: OnnxRuntimeBackend;
  let pool: OnnxWorkerPoolBackend;
  beforeAll(async () => {
    inProcess = await createOnnxBackend();
    pool = await OnnxWorkerPoolBackend.create({ modelRepository, ortIntraOpThreads: 1, ortWorkerThreads: 2 });
  });
  afterAll(async () => {
    await inProcess.onModuleDestroy();
    await pool.onModuleDestroy();
  });

  it('reports each model ready, as every worker loaded its session', async () => {
    expect(await pool.status()).toEqual(Object.values(FACE_MODELS).map((model) => ({ model, ready: true })));
  });

  it('runs as many embedder runs at once as it has live workers', () => {
    expect(pool.parallelRuns).toBe(2);
  });

  it('gives the same outputs as the in-process backend, also for concurrent calls, and leaves inputs readable', async () => {
    const data = Float32Array.from({ length: 3 * 112 * 112 }, (_, i) => ((i * 7919) % 255) / 255);
    const original = data.slice();
    const inputs = { input: { data, dims: [1, 3, 112, 112] } };
    const expected = await inProcess.infer(FACE_MODELS.embedder, inputs);
    const results = await Promise.all([1, 2, 3, 4].map(() => pool.infer(FACE_MODELS.embedder, inputs)));
    for (const result of results) expect(result.output.data).toEqual(expected.output.data);
    expect(data).toEqual(original);
  });

  it('takes handed-over inputs instead of copying them, but copies a view into a larger buffer', async () => {
    const make = () => Float32Array.from({ length: 3 * 112 * 112 }, (_, i) => ((i * 104729) % 255) / 255);
    const expected = await inProcess.infer(FACE_MODELS.embedder, { input: { data: make(), dims: [1, 3, 112, 112] } });
    const owned = make();
    const handedOver = await pool.infer(FACE_MODELS.embedder, { input: { data: owned, dims: [1, 3, 112, 112] } }, { handOverInputs: true });
    expect(handedOver.output.data).toEqual(expected.output.data);
    // Transferred to the worker's thread: nothing was copied, and the caller's array is empty now.
    expect(owned.length).toBe(0);
    const larger = new Float32Array(3 * 112 * 112 + 8);
    larger.set(make(), 8);
    const view = larger.subarray(8);
    const fromView = await pool.infer(FACE_MODELS.embedder, { input: { data: view, dims: [1, 3, 112, 112] } }, { handOverInputs: true });
    expect(fromView.output.data).toEqual(expected.output.data);
    expect(larger.length).toBe(3 * 112 * 112 + 8);
  });

  (existsSync('/proc/thread-self') ? it : it.skip)('runs its workers at ORT_WORKER_NICE and leaves the event loop as it was (Linux)', async () => {
    const loopNice = threadNice('/proc/thread-self');
    const before = threadsAtNice(7);
    const lowered = await OnnxWorkerPoolBackend.create({ modelRepository, ortIntraOpThreads: 1, ortWorkerThreads: 1, ortWorkerNice: 7 });
    try {
      expect(threadsAtNice(7)).toBeGreaterThan(before);
      expect(threadNice('/proc/thread-self')).toBe(loopNice);
      const [embedding] = Object.values(
        await lowered.infer(FACE_MODELS.embedder, { input: { data: new Float32Array(3 * 112 * 112), dims: [1, 3, 112, 112] } }),
      );
      expect(embedding.data.length).toBe(512);
    } finally {
      await lowered.onModuleDestroy();
    }
  });

  it('reports a failing run as an unavailable backend (503), naming the model only', async () => {
    const wrongShape = { input: { data: new Float32Array(10), dims: [1, 10] } };
    await expect(pool.infer(FACE_MODELS.embedder, wrongShape)).rejects.toBeInstanceOf(InferenceUnavailableError);
  });

  it('fails the start with the model error when the repository is broken', async () => {
    await expect(OnnxWorkerPoolBackend.create({ modelRepository: '/nonexistent', ortIntraOpThreads: 1, ortWorkerThreads: 1 })).rejects.toThrow(
      /face_/,
    );
  });

  it('answers unavailable, not hanging, once its workers are gone', async () => {
    const short = await OnnxWorkerPoolBackend.create({ modelRepository, ortIntraOpThreads: 1, ortWorkerThreads: 1 });
    await short.onModuleDestroy();
    await expect(
      short.infer(FACE_MODELS.embedder, { input: { data: new Float32Array(3 * 112 * 112), dims: [1, 3, 112, 112] } }),
    ).rejects.toBeInstanceOf(InferenceUnavailableError);
    expect(await short.status()).toEqual(
      Object.values(FACE_MODELS).map((model) => ({ model, ready: false, reason: 'worker 1 of 1 stopped: sessions released (shutting down)' })),
    );
  });
});
