import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { ChannelOptions, ClientUnaryCall, requestCallback } from '@grpc/grpc-js';
import type { AppConfig } from '../../config/app-config.js';
import { InferenceBackend, InferenceUnavailableError, ModelStatus, Tensor, TensorMap } from '../inference-backend.js';
import { faceModelNames, ModelConfig, readModelConfig } from '../model-repository.js';
import { callWithRetry, DEFAULT_RETRY_POLICY, RetryPolicy, toBackendError } from './grpc-call-policy.js';
import { createKServeClient, KServeClient, ModelInferRequest } from './kserve-protocol.js';
import { metadataMismatch } from './model-metadata-check.js';
import { decodeTensorMap, encodeTensorMap, withBatchDimension, withoutBatchDimension } from './tensor-codec.js';

// gRPC methods are handed to call() unbound (this.client.ModelInfer) and invoked there on this.client.
/* eslint-disable @typescript-eslint/unbound-method */

export interface TritonBackendOptions {
  /** host:port of Triton's gRPC endpoint. */
  readonly url: string;
  /** Budget of one logical call, retries included. */
  readonly timeoutMs: number;
  /** The config.pbtxt of every model this backend serves, as Triton loaded them. */
  readonly models: readonly ModelConfig[];
  readonly retryPolicy?: RetryPolicy;
}

/**
 * grpc-js backs off reconnects up to 2 minutes by default; Triton is a neighbour in the same
 * network, so we try again within a second and recover soon after it comes back.
 * round_robin spreads calls over every address the name resolves to (several Triton pods behind
 * a headless Service, `dns:///triton-headless:8001`); with one address it is the same as the default.
 */
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};

type UnaryMethod<Req, Res> = (request: Req, options: { deadline: Date }, callback: requestCallback<Res>) => ClientUnaryCall;

/**
 * Runs the model repository on NVIDIA Triton over the KServe v2 gRPC protocol. One channel for
 * the life of the app: grpc-js reconnects it by itself, so Triton can restart underneath us.
 * Failures that mean "Triton cannot serve now" become InferenceUnavailableError (503).
 */
export class TritonBackend extends InferenceBackend implements OnModuleDestroy {
  readonly kind = 'triton' as const;
  private readonly logger = new Logger(TritonBackend.name);
  private readonly client: KServeClient;
  private readonly models: ReadonlyMap<string, ModelConfig>;
  /** Log outages on the edge only, not once per failed request. */
  private reachable = true;
  /** Models whose served metadata matched config.pbtxt; checked again after Triton was unreachable. */
  private readonly matchingModels = new Set<string>();

  constructor(private readonly options: TritonBackendOptions) {
    super();
    this.client = createKServeClient(options.url, CHANNEL_OPTIONS);
    this.models = new Map(options.models.map((model) => [model.name, model]));
  }

  /** Reads the face models' config.pbtxt from the repository that Triton serves too. */
  static fromConfig(
    config: Pick<AppConfig, 'tritonGrpcUrl' | 'tritonTimeoutMs' | 'modelRepository'> & Partial<Pick<AppConfig, 'embedderModel'>>,
  ): TritonBackend {
    const models = faceModelNames(config.embedderModel).map((name) => readModelConfig(config.modelRepository, name));
    return new TritonBackend({ url: config.tritonGrpcUrl, timeoutMs: config.tritonTimeoutMs, models });
  }

  async infer(model: string, inputs: TensorMap): Promise<TensorMap> {
    const config = this.models.get(model);
    if (config === undefined) {
      throw new Error(`Unknown model "${model}"; served: ${[...this.models.keys()].join(', ')}`);
    }
    const addBatch = needsAddedBatchDimension(config, inputs);
    const sent: TensorMap = addBatch ? mapTensors(inputs, (_, tensor) => withBatchDimension(tensor)) : inputs;
    const { headers, raw } = encodeTensorMap(sent);
    const request: ModelInferRequest = {
      model_name: model,
      inputs: headers,
      outputs: config.outputs.map((output) => ({ name: output.name })),
      raw_input_contents: raw,
    };
    const response = await this.call(this.client.ModelInfer, request, `ModelInfer(${model})`);
    const outputs = decodeTensorMap(response.outputs, response.raw_output_contents);
    return addBatch ? mapTensors(outputs, withoutBatchDimension) : outputs;
  }

  /**
   * ServerReady, then per model ModelReady and (once) ModelMetadata against config.pbtxt;
   * a failure or a drift becomes "not ready" with its reason, never an exception.
   */
  async status(): Promise<ModelStatus[]> {
    const names = [...this.models.keys()];
    let serverReady: boolean;
    try {
      serverReady = (await this.call(this.client.ServerReady, {}, 'ServerReady')).ready;
    } catch (error) {
      return names.map((model) => ({ model, ready: false, reason: (error as Error).message }));
    }
    if (!serverReady) {
      return names.map((model) => ({ model, ready: false, reason: 'Triton server is not ready' }));
    }
    return Promise.all(
      names.map(async (model): Promise<ModelStatus> => {
        try {
          const { ready } = await this.call(this.client.ModelReady, { name: model }, `ModelReady(${model})`);
          if (!ready) return { model, ready, reason: 'Triton reports the model not ready' };
          const mismatch = await this.checkServedModel(model);
          return mismatch === undefined ? { model, ready } : { model, ready: false, reason: mismatch };
        } catch (error) {
          return { model, ready: false, reason: (error as Error).message };
        }
      }),
    );
  }

  /** Once per model and Triton session: does Triton serve the tensors our config.pbtxt declares? */
  private async checkServedModel(model: string): Promise<string | undefined> {
    if (this.matchingModels.has(model)) return undefined;
    const metadata = await this.call(this.client.ModelMetadata, { name: model }, `ModelMetadata(${model})`);
    const mismatch = metadataMismatch(this.models.get(model)!, metadata);
    if (mismatch === undefined) this.matchingModels.add(model);
    else this.logger.error(mismatch);
    return mismatch;
  }

  onModuleDestroy(): void {
    this.client.close();
  }

  /** One unary call under the deadline and retry policy, its failure mapped for the API. */
  private async call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, what: string): Promise<Res> {
    const attempt = (deadline: Date) =>
      new Promise<Res>((resolve, reject) => {
        method.call(this.client, request, { deadline }, (error, response) => (error ? reject(error) : resolve(response as Res)));
      });
    try {
      const response = await callWithRetry(attempt, this.options.timeoutMs, this.options.retryPolicy ?? DEFAULT_RETRY_POLICY);
      this.noteReachable(true, what);
      return response;
    } catch (error) {
      const mapped = toBackendError(error, what);
      this.noteReachable(!(mapped instanceof InferenceUnavailableError), mapped.message);
      throw mapped;
    }
  }

  private noteReachable(reachable: boolean, detail: string): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    if (!reachable) this.matchingModels.clear(); // Triton may come back with another repository
    if (reachable) this.logger.log(`Triton at ${this.options.url} answers again (${detail})`);
    else this.logger.warn(`Triton at ${this.options.url} cannot serve: ${detail}`);
  }
}

/**
 * A model with max_batch_size > 0 leaves the batch dimension out of its config dims. Callers
 * normally pass the ONNX graph's full shape, batch included; a tensor of the config's rank
 * gets a batch of 1 here, and its outputs lose it again.
 */
export function needsAddedBatchDimension(config: ModelConfig, inputs: TensorMap): boolean {
  if (config.maxBatchSize <= 0) return false;
  return config.inputs.some((input) => inputs[input.name] !== undefined && inputs[input.name].dims.length === input.dims.length);
}

function mapTensors(tensors: TensorMap, transform: (name: string, tensor: Tensor) => Tensor): TensorMap {
  return Object.fromEntries(Object.entries(tensors).map(([name, tensor]) => [name, transform(name, tensor)]));
}
