import * as grpc from '@grpc/grpc-js';
import { InferenceBackend, InferenceUnavailableError, TensorMap } from '../../src/inference/inference-backend.js';
import type { ModelConfig, TensorConfig } from '../../src/inference/model-repository.js';
import {
  kserveServiceDefinition,
  ModelInferRequest,
  ModelInferResponse,
  ModelMetadataResponse,
  ModelReadyRequest,
} from '../../src/inference/triton/kserve-protocol.js';
import { decodeTensorMap, encodeTensorMap, TensorCodecError } from '../../src/inference/triton/tensor-codec.js';

/**
 * An in-process stand-in for Triton: the KServe v2 gRPC protocol over any InferenceBackend
 * (the real OnnxRuntimeBackend in the contract tests). Tensors pass through with their shapes
 * unchanged, as Triton hands them to ONNX Runtime, after Triton's own shape rules (see
 * tritonShapeError): with max_batch_size > 0 a request carries the batch dimension in front of
 * the config dims (1..max_batch_size), with 0 it carries exactly the config dims.
 *
 * Faults for tests: stop() drops every connection like a crashed server and start() comes back
 * on the same port; `delayMs` slows every answer; `serverReady` and `notReadyModels` steer the
 * readiness RPCs (and ModelInfer refuses a model that is not ready, as Triton does).
 *
 *   const server = new KServeTestServer(onnxBackend, configs);  // configs: readModelConfig(...) per model
 *   const url = await server.start();           // '127.0.0.1:<port>' for TRITON_GRPC_URL
 *   await server.stop(); await server.start();  // same port again
 */
export class KServeTestServer {
  delayMs = 0;
  serverReady = true;
  readonly notReadyModels = new Set<string>();
  /** ModelInfer calls answered, to show that a request reached the server. */
  inferCount = 0;

  private server: grpc.Server | undefined;

  /** `port` 0 picks a free port on the first start; later starts reuse whatever was bound. */
  private readonly models: ReadonlyMap<string, ModelConfig>;

  /** `models`: the config.pbtxt of each served model, answered by ModelMetadata as Triton would. */
  constructor(
    private readonly backend: InferenceBackend,
    models: readonly ModelConfig[],
    private port = 0,
  ) {
    this.models = new Map(models.map((model) => [model.name, model]));
  }

  get url(): string {
    if (this.port === 0) throw new Error('KServeTestServer has not been started');
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Binds to the constructor port (0: a free one) the first time, afterwards to the same one. Returns host:port. */
  async start(): Promise<string> {
    if (this.server) return this.url;
    const server = new grpc.Server();
    server.addService(kserveServiceDefinition(), this.handlers());
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.port}`, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    });
    this.server = server;
    return this.url;
  }

  /** Like a crash: in-flight calls fail and open connections close at once. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.forceShutdown();
  }

  private handlers(): grpc.UntypedServiceImplementation {
    return {
      ServerLive: this.unary(async () => ({ live: true })),
      ServerReady: this.unary(async () => ({ ready: this.serverReady })),
      ModelReady: this.unary(async (request: ModelReadyRequest) => ({ ready: this.isReady(request.name) })),
      ModelMetadata: this.unary(async (request: ModelReadyRequest) => {
        this.assertServable(request.name);
        return tritonMetadata(this.models.get(request.name)!);
      }),
      ModelInfer: this.unary((request: ModelInferRequest) => this.modelInfer(request)),
    };
  }

  private async modelInfer(request: ModelInferRequest): Promise<ModelInferResponse> {
    this.assertServable(request.model_name);
    let inputs;
    try {
      inputs = decodeTensorMap(request.inputs, request.raw_input_contents);
    } catch (error) {
      throw grpcError(grpc.status.INVALID_ARGUMENT, (error as Error).message);
    }
    const shapeError = tritonShapeError(this.models.get(request.model_name)!, inputs);
    if (shapeError !== undefined) throw grpcError(grpc.status.INVALID_ARGUMENT, shapeError);
    const outputs = await this.backend.infer(request.model_name, inputs);
    const wanted = request.outputs?.length ? request.outputs.map((output) => output.name) : Object.keys(outputs);
    const missing = wanted.filter((name) => outputs[name] === undefined);
    if (missing.length > 0) throw grpcError(grpc.status.INVALID_ARGUMENT, `unknown output(s) ${missing.join(', ')}`);
    const encoded = encodeTensorMap(Object.fromEntries(wanted.map((name) => [name, outputs[name]])));
    this.inferCount++;
    return { model_name: request.model_name, model_version: '1', id: request.id ?? '', outputs: encoded.headers, raw_output_contents: encoded.raw };
  }

  private isReady(model: string): boolean {
    return this.serverReady && this.models.has(model) && !this.notReadyModels.has(model);
  }

  private assertServable(model: string): void {
    if (!this.models.has(model)) throw grpcError(grpc.status.NOT_FOUND, `Request for unknown model: '${model}' is not found`);
    if (!this.isReady(model)) throw grpcError(grpc.status.UNAVAILABLE, `Request for unknown model: '${model}' is not ready`);
  }

  /** Adds the injectable delay and turns thrown errors into gRPC statuses. */
  private unary<Req, Res>(handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const run = async () => {
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        return handle(call.request);
      };
      run().then(
        (response) => callback(null, response),
        (error: unknown) => callback(toStatus(error)),
      );
    };
  }
}

/**
 * Triton's checks on a request's inputs, before any model runs: every config input present and
 * no other, one batch size across inputs within 1..max_batch_size when the model batches, and the
 * remaining dims equal to config.pbtxt's (-1 there matches anything). Returns Triton-like text.
 */
export function tritonShapeError(config: ModelConfig, inputs: TensorMap): string | undefined {
  const names = Object.keys(inputs);
  const unknown = names.filter((name) => !config.inputs.some((input) => input.name === name));
  if (unknown.length > 0) return `unexpected inference input '${unknown[0]}' for model '${config.name}'`;
  if (names.length !== config.inputs.length) {
    return `expected ${config.inputs.length} inputs but got ${names.length} inputs for model '${config.name}'`;
  }
  const batchSizes = new Set<number>();
  for (const input of config.inputs) {
    const dims = [...inputs[input.name].dims];
    const expected = config.maxBatchSize > 0 ? [-1, ...input.dims] : [...input.dims];
    const matches = dims.length === expected.length && expected.every((dim, index) => dim === -1 || dim === dims[index]);
    if (!matches) {
      return `unexpected shape for input '${input.name}' for model '${config.name}'. Expected [${expected.join(',')}], got [${dims.join(',')}]`;
    }
    if (config.maxBatchSize > 0) batchSizes.add(dims[0]);
  }
  if (batchSizes.size > 1) return `inputs of model '${config.name}' have different batch sizes`;
  const [batch] = [...batchSizes];
  if (batch !== undefined && (batch < 1 || batch > config.maxBatchSize)) {
    return `inference request batch-size must be <= ${config.maxBatchSize} for '${config.name}'`;
  }
  return undefined;
}

/** What Triton's ModelMetadata reports for a config: FP32 tensors, -1 for a batching model's batch. */
function tritonMetadata(config: ModelConfig): ModelMetadataResponse {
  const tensor = (entry: TensorConfig) => ({
    name: entry.name,
    datatype: entry.dataType.replace(/^TYPE_/, ''),
    shape: config.maxBatchSize > 0 ? [-1, ...entry.dims] : [...entry.dims],
  });
  return { name: config.name, versions: ['1'], platform: config.platform, inputs: config.inputs.map(tensor), outputs: config.outputs.map(tensor) };
}

function grpcError(code: grpc.status, details: string): Partial<grpc.StatusObject> & Error {
  return Object.assign(new Error(details), { code, details });
}

function toStatus(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'number') {
    return error as Partial<grpc.StatusObject>;
  }
  if (error instanceof InferenceUnavailableError) return { code: grpc.status.UNAVAILABLE, details: error.message };
  if (error instanceof TensorCodecError) return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  return { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) };
}
