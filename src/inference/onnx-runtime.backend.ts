import { existsSync } from 'node:fs';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import * as ort from 'onnxruntime-node';
import { AppConfig } from '../config/app-config.js';
import { InferenceBackend, InferenceUnavailableError, ModelStatus, TensorMap } from './inference-backend.js';
import { faceModelNames, ModelConfig, modelPaths, readModelConfig } from './model-repository.js';

interface LoadedModel {
  readonly config: ModelConfig;
  readonly session: ort.InferenceSession;
}

/**
 * Runs the model repository in process with ONNX Runtime. Sessions are created once, before the
 * app accepts traffic (see `create`), so a missing or broken model stops the start instead of
 * failing the first request.
 */
@Injectable()
export class OnnxRuntimeBackend extends InferenceBackend implements OnModuleDestroy {
  readonly kind = 'onnx' as const;
  private readonly logger = new Logger(OnnxRuntimeBackend.name);
  private released = false;

  private constructor(
    private readonly models: ReadonlyMap<string, LoadedModel>,
    /** What the pipeline needs, loaded or not: what status() reports on. */
    private readonly needed: readonly string[],
  ) {
    super();
  }

  static async create(
    config: Pick<AppConfig, 'modelRepository' | 'ortIntraOpThreads'> & Partial<Pick<AppConfig, 'embedderModel'>>,
    modelNames: readonly string[] = faceModelNames(config.embedderModel),
  ): Promise<OnnxRuntimeBackend> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: config.ortIntraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // On a small shared machine spinning threads steal the core from the other requests.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const models = new Map<string, LoadedModel>();
    for (const name of modelNames) {
      const modelConfig = readModelConfig(config.modelRepository, name);
      const { onnx } = modelPaths(config.modelRepository, name);
      if (!existsSync(onnx)) {
        throw new Error(`Model file for "${name}" is missing from ${config.modelRepository}: run \`npm run models:build\``);
      }
      const session = await ort.InferenceSession.create(onnx, options);
      checkSessionMatchesConfig(session, modelConfig);
      models.set(name, { config: modelConfig, session });
    }
    return new OnnxRuntimeBackend(models, faceModelNames(config.embedderModel));
  }

  modelConfig(model: string): ModelConfig {
    return this.loaded(model).config;
  }

  async infer(model: string, inputs: TensorMap): Promise<TensorMap> {
    const { session } = this.loaded(model);
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(inputs)) {
      feeds[name] = new ort.Tensor('float32', tensor.data, [...tensor.dims]);
    }
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(feeds);
    } catch (error) {
      // Shape errors are programming errors, but the caller sees them as an unusable backend
      // rather than a crash; the message names the model, never tensor contents.
      this.logger.error(`ONNX Runtime failed on ${model}: ${(error as Error).message}`);
      throw new InferenceUnavailableError(`ONNX Runtime failed on ${model}`, { cause: error });
    }
    const outputs: TensorMap = {};
    for (const name of session.outputNames) {
      const tensor = results[name];
      outputs[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
    }
    return outputs;
  }

  /** Each model the pipeline needs: ready while its session is loaded and not yet released. */
  status(): Promise<ModelStatus[]> {
    return Promise.resolve(this.modelStatuses());
  }

  private modelStatuses(): ModelStatus[] {
    return this.needed.map((model) => {
      if (!this.models.has(model)) return { model, ready: false, reason: 'no session loaded for this model' };
      if (this.released) return { model, ready: false, reason: 'session released (shutting down)' };
      return { model, ready: true };
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.released = true;
    await Promise.all([...this.models.values()].map((model) => model.session.release()));
  }

  private loaded(model: string): LoadedModel {
    const loaded = this.models.get(model);
    if (!loaded) throw new Error(`Unknown model "${model}"; loaded: ${[...this.models.keys()].join(', ')}`);
    return loaded;
  }
}

/** Triton's config data_type for an ONNX Runtime tensor type (the ones these graphs could use). */
const TRITON_DATA_TYPES: Readonly<Record<string, string>> = {
  float32: 'TYPE_FP32',
  float16: 'TYPE_FP16',
  float64: 'TYPE_FP64',
  int64: 'TYPE_INT64',
  int32: 'TYPE_INT32',
  int8: 'TYPE_INT8',
  uint8: 'TYPE_UINT8',
  bool: 'TYPE_BOOL',
};

/** A tensor as config.pbtxt would have to declare it for this graph, -1 for a symbolic dim. */
export function sessionTensors(session: ort.InferenceSession) {
  const describe = (names: readonly string[], metadata: readonly ort.InferenceSession.ValueMetadata[]) =>
    names.map((name, index) => {
      const meta = metadata[index];
      return meta.isTensor
        ? { name, dataType: TRITON_DATA_TYPES[meta.type] ?? `ORT:${meta.type}`, dims: meta.shape.map((dim) => (typeof dim === 'number' ? dim : -1)) }
        : { name, dataType: 'not a tensor', dims: [] as number[] };
    });
  return { inputs: describe(session.inputNames, session.inputMetadata), outputs: describe(session.outputNames, session.outputMetadata) };
}

/**
 * A config.pbtxt that disagrees with its graph would only fail under Triton; catch it here too.
 * With max_batch_size > 0 the config dims leave the batch out and the graph's first dim must be
 * symbolic (-1 here); with 0 the config dims are the graph's full, fixed shape.
 */
export function checkSessionMatchesConfig(session: ort.InferenceSession, config: ModelConfig): void {
  const actual = sessionTensors(session);
  const batchPrefix = config.maxBatchSize > 0 ? [-1] : [];
  const expected = {
    inputs: config.inputs.map((tensor) => ({ name: tensor.name, dataType: tensor.dataType, dims: [...batchPrefix, ...tensor.dims] })),
    outputs: config.outputs.map((tensor) => ({ name: tensor.name, dataType: tensor.dataType, dims: [...batchPrefix, ...tensor.dims] })),
  };
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const text = (value: typeof actual) => JSON.stringify({ inputs: [...value.inputs].sort(byName), outputs: [...value.outputs].sort(byName) });
  if (text(actual) !== text(expected)) {
    throw new Error(`Model "${config.name}": config.pbtxt ${text(expected)} does not match the ONNX graph ${text(actual)}`);
  }
}
