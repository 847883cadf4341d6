import { KServeTestServer } from '../../../test/support/kserve-test-server.js';
import { InferenceBackend, InferenceUnavailableError, ModelStatus, TensorMap } from '../inference-backend.js';
import type { ModelConfig } from '../model-repository.js';
import { needsAddedBatchDimension, TritonBackend } from './triton.backend.js';

/** Doubles its input and remembers the shape it was given, as Triton's ONNX Runtime would see it. */
class DoublingBackend extends InferenceBackend {
  readonly kind = 'onnx' as const;
  seenDims: number[][] = [];
  async infer(_model: string, inputs: TensorMap): Promise<TensorMap> {
    this.seenDims.push([...inputs.x.dims]);
    return { y: { data: inputs.x.data.map((value) => value * 2), dims: inputs.x.dims } };
  }
  async status(): Promise<ModelStatus[]> {
    return [];
  }
}

const batched: ModelConfig = {
  name: 'batched',
  platform: 'onnxruntime_onnx',
  maxBatchSize: 8,
  dynamicBatching: true,
  parameters: {},
  inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [3] }],
  outputs: [{ name: 'y', dataType: 'TYPE_FP32', dims: [3] }],
};
const fixed: ModelConfig = {
  ...batched,
  name: 'fixed',
  maxBatchSize: 0,
  dynamicBatching: false,
  inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [1, 3] }],
};

describe('needsAddedBatchDimension', () => {
  const tensor = (dims: number[]) => ({ x: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims } });

  it('never for max_batch_size 0: the config dims already hold the fixed batch', () => {
    expect(needsAddedBatchDimension(fixed, tensor([1, 3]))).toBe(false);
  });

  it('when a batching model gets a tensor of the config rank', () => {
    expect(needsAddedBatchDimension(batched, tensor([3]))).toBe(true);
  });

  it('not when the caller already passes the batch, as the ONNX graph shape has it', () => {
    expect(needsAddedBatchDimension(batched, tensor([2, 3]))).toBe(false);
  });
});

describe('TritonBackend over a stand-in server', () => {
  const fake = new DoublingBackend();
  const server = new KServeTestServer(fake, [batched, fixed]);
  let backend: TritonBackend;

  beforeAll(async () => {
    await server.start();
    backend = new TritonBackend({ url: server.url, timeoutMs: 2000, models: [batched, fixed] });
  });

  afterAll(async () => {
    backend.onModuleDestroy();
    await server.stop();
  });

  it('adds the batch dimension on the wire and strips it from the answer', async () => {
    const outputs = await backend.infer('batched', { x: { data: Float32Array.of(1, 2, 3), dims: [3] } });
    expect(fake.seenDims.at(-1)).toEqual([1, 3]);
    expect(outputs.y.dims).toEqual([3]);
    expect([...outputs.y.data]).toEqual([2, 4, 6]);
  });

  it('sends a caller-batched tensor (the pipeline passes the graph shape, batch first) as it is, batch kept in the answer', async () => {
    const outputs = await backend.infer('batched', { x: { data: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [2, 3] } });
    expect(fake.seenDims.at(-1)).toEqual([2, 3]);
    expect(outputs.y.dims).toEqual([2, 3]);
    expect([...outputs.y.data]).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('passes shapes through unchanged for a fixed-batch model', async () => {
    const outputs = await backend.infer('fixed', { x: { data: Float32Array.of(1, 2, 3), dims: [1, 3] } });
    expect(fake.seenDims.at(-1)).toEqual([1, 3]);
    expect(outputs.y.dims).toEqual([1, 3]);
  });

  it('asks for the outputs its config declares; a refusal (INVALID_ARGUMENT) is a plain Error, not a 503', async () => {
    const wrongOutputs: ModelConfig = { ...fixed, name: 'fixed', outputs: [{ name: 'z', dataType: 'TYPE_FP32', dims: [1, 3] }] };
    const misconfigured = new TritonBackend({ url: server.url, timeoutMs: 2000, models: [wrongOutputs] });
    try {
      const failure = misconfigured.infer('fixed', { x: { data: Float32Array.of(0, 0, 0), dims: [1, 3] } });
      await expect(failure).rejects.toThrow(/INVALID_ARGUMENT: unknown output\(s\) z/);
      await expect(failure).rejects.not.toBeInstanceOf(InferenceUnavailableError);
    } finally {
      misconfigured.onModuleDestroy();
    }
  });

  it('reports ready when Triton serves the tensors config.pbtxt declares', async () => {
    expect(await backend.status()).toEqual([
      { model: 'batched', ready: true },
      { model: 'fixed', ready: true },
    ]);
  });

  it('reports a model not ready when Triton serves other tensors than our config.pbtxt', async () => {
    const drifted: ModelConfig = { ...fixed, outputs: [{ name: 'y', dataType: 'TYPE_FP32', dims: [1, 4] }] };
    const stale = new TritonBackend({ url: server.url, timeoutMs: 2000, models: [drifted] });
    try {
      const [status] = await stale.status();
      expect(status.ready).toBe(false);
      expect(status.reason).toMatch(
        /differs from the app's model repository: outputs: Triton serves y:FP32\[3\], config.pbtxt declares y:FP32\[1,4\]/,
      );
    } finally {
      stale.onModuleDestroy();
    }
  });
});
