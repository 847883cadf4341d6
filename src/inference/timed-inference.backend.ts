import type { Histogram } from 'prom-client';
import { InferenceBackend, InferOptions, ModelStatus, TensorMap } from './inference-backend.js';

export type InferenceDurationHistogram = Histogram<'model' | 'backend' | 'outcome'>;

/**
 * The chosen backend, with every `infer` call timed per model. A decorator with the same
 * interface: callers cannot tell it from the backend it wraps, and the backend is never altered.
 */
export class TimedInferenceBackend extends InferenceBackend {
  readonly kind: InferenceBackend['kind'];

  constructor(
    private readonly inner: InferenceBackend,
    private readonly duration: InferenceDurationHistogram,
  ) {
    super();
    this.kind = inner.kind;
  }

  async infer(model: string, inputs: TensorMap, options?: InferOptions): Promise<TensorMap> {
    const stopTimer = this.duration.startTimer({ model, backend: this.kind });
    try {
      const outputs = await this.inner.infer(model, inputs, options);
      stopTimer({ outcome: 'ok' });
      return outputs;
    } catch (error) {
      stopTimer({ outcome: 'error' });
      throw error;
    }
  }

  override get parallelRuns(): number {
    return this.inner.parallelRuns;
  }

  status(): Promise<ModelStatus[]> {
    return this.inner.status();
  }

  /** Nest calls shutdown hooks on the provider it holds, which is this wrapper. */
  async onModuleDestroy(): Promise<void> {
    await this.inner.onModuleDestroy?.();
  }
}
