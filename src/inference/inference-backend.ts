/** A dense FP32 tensor in row-major order, as both ONNX Runtime and Triton's raw contents carry it. */
export interface Tensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export type TensorMap = Record<string, Tensor>;

export interface InferOptions {
  /**
   * The caller never reads the input arrays again, so a backend may take them instead of copying
   * (the worker pool transfers them to its thread, leaving them empty here). Moving the detector's
   * 0.9 MB tensors saves the event loop a copy and most of its garbage collection (bench:latency).
   */
  readonly handOverInputs?: boolean;
}

export interface ModelStatus {
  readonly model: string;
  readonly ready: boolean;
  /** Why a model is not ready; never contains tensor data. */
  readonly reason?: string;
}

/**
 * Runs the models of `model_repository/`. The face pipeline depends only on this class,
 * so it cannot tell the in-process ONNX Runtime backend from the Triton one.
 * It is an abstract class rather than an interface so that it can serve as the DI token.
 */
export abstract class InferenceBackend {
  abstract readonly kind: 'onnx' | 'triton';

  /** Runs one model; inputs and outputs are keyed by the names in the model's config.pbtxt. */
  abstract infer(model: string, inputs: TensorMap, options?: InferOptions): Promise<TensorMap>;

  /**
   * Runs that execute at once on this backend (the worker pool: one per worker). The embedder spreads a
   * lone face's views over them for latency. Triton batches on its own side, so it keeps one request.
   */
  get parallelRuns(): number {
    return 1;
  }

  /** Readiness of each model the pipeline needs; must not throw when the backend is down. */
  abstract status(): Promise<ModelStatus[]>;

  /**
   * Frees sessions and connections. Nest calls it at shutdown, after the admission gate (in the
   * module that imports this one) has let running pipeline work finish.
   */
  onModuleDestroy?(): void | Promise<void>;
}

/** The backend cannot serve now (down, overloaded, deadline passed): the API answers 503. */
export class InferenceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InferenceUnavailableError';
  }
}
