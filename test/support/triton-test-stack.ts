import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FACE_MODELS, ModelConfig, readModelConfig } from '../../src/inference/model-repository.js';
import { OnnxRuntimeBackend } from '../../src/inference/onnx-runtime.backend.js';
import { TritonBackend } from '../../src/inference/triton/triton.backend.js';
import { KServeTestServer } from './kserve-test-server.js';

/**
 * The real models behind a stand-in Triton: ONNX Runtime in process, served over the KServe
 * gRPC protocol by KServeTestServer, and a TritonBackend pointed at it. For the HTTP e2e
 * tests through the Triton backend, start this and give the app TRITON_GRPC_URL = stack.server.url
 * with INFERENCE_BACKEND=triton (or override the InferenceBackend provider with stack.triton).
 */
export interface TritonTestStack {
  readonly repository: string;
  readonly configs: readonly ModelConfig[];
  readonly onnx: OnnxRuntimeBackend;
  readonly server: KServeTestServer;
  readonly triton: TritonBackend;
  close(): Promise<void>;
}

/** Fails loudly rather than skipping: the models are built by `npm install`, so absence is a bug. */
export function requireModelRepository(): string {
  const repository = resolve(process.env.MODEL_REPOSITORY ?? 'model_repository');
  if (!existsSync(resolve(repository, FACE_MODELS.embedder, 'config.pbtxt'))) {
    throw new Error(`model repository missing at ${repository}: run \`npm run models:build\` (npm install runs it)`);
  }
  return repository;
}

export async function startTritonTestStack(options: { timeoutMs?: number } = {}): Promise<TritonTestStack> {
  const repository = requireModelRepository();
  const names = Object.values(FACE_MODELS);
  const configs = names.map((name) => readModelConfig(repository, name));
  const onnx = await OnnxRuntimeBackend.create({ modelRepository: repository, ortIntraOpThreads: 1 }, names);
  const server = new KServeTestServer(onnx, configs);
  await server.start();
  const triton = new TritonBackend({ url: server.url, timeoutMs: options.timeoutMs ?? 5000, models: configs });
  return {
    repository,
    configs,
    onnx,
    server,
    triton,
    async close() {
      triton.onModuleDestroy();
      await server.stop();
      await onnx.onModuleDestroy();
    },
  };
}

/** Polls until `check` passes or the time is up; recovery after a restart is not instant. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000, intervalMs = 100): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= giveUpAt) throw error;
      await new Promise((resolveSleep) => setTimeout(resolveSleep, intervalMs));
    }
  }
}
