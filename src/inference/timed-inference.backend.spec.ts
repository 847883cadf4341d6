import { Histogram, Registry } from 'prom-client';
import { InferenceBackend, InferenceUnavailableError, ModelStatus, TensorMap } from './inference-backend.js';
import { TimedInferenceBackend } from './timed-inference.backend.js';

class FakeBackend extends InferenceBackend {
  readonly kind = 'onnx' as const;
  override get parallelRuns(): number {
    return 3;
  }
  destroyed = false;
  async infer(model: string, inputs: TensorMap): Promise<TensorMap> {
    if (model === 'broken') throw new InferenceUnavailableError('down');
    return inputs;
  }
  async status(): Promise<ModelStatus[]> {
    return [{ model: 'face_detector', ready: false, reason: 'no session' }];
  }
  onModuleDestroy(): void {
    this.destroyed = true;
  }
}

function timed() {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'inference_seconds',
    help: 'h',
    labelNames: ['model', 'backend', 'outcome'] as const,
    registers: [registry],
  });
  const inner = new FakeBackend();
  return { inner, backend: new TimedInferenceBackend(inner, histogram), registry };
}

const count = async (registry: Registry, labels: string) =>
  Number(new RegExp(`^inference_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(await registry.metrics())?.[1] ?? 0);

describe('TimedInferenceBackend', () => {
  it('passes calls through unchanged and times each by model, backend and outcome', async () => {
    const { backend, registry } = timed();
    const inputs = { input: { data: new Float32Array([1, 2]), dims: [1, 2] } };
    expect(await backend.infer('face_embedder', inputs)).toBe(inputs);
    await backend.infer('face_embedder', inputs);
    await expect(backend.infer('broken', inputs)).rejects.toBeInstanceOf(InferenceUnavailableError);
    expect(await count(registry, 'model="face_embedder",backend="onnx",outcome="ok"')).toBe(2);
    expect(await count(registry, 'model="broken",backend="onnx",outcome="error"')).toBe(1);
  });

  it('is the wrapped backend to its callers: same kind, same status, and it frees the backend at shutdown', async () => {
    const { inner, backend } = timed();
    expect(backend.kind).toBe('onnx');
    expect(backend.parallelRuns).toBe(inner.parallelRuns);
    expect(await backend.status()).toEqual(await inner.status());
    await backend.onModuleDestroy();
    expect(inner.destroyed).toBe(true);
  });
});
