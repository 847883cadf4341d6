import { InferenceUnavailableError, TensorMap } from '../src/inference/inference-backend.js';
import { TritonBackend } from '../src/inference/triton/triton.backend.js';
import { KServeTestServer } from './support/kserve-test-server.js';
import { realModelInputs } from './support/real-model-inputs.js';
import { eventually, startTritonTestStack, TritonTestStack } from './support/triton-test-stack.js';

/*
 * Triton going away and coming back, as seen through one TritonBackend that is never
 * recreated: the app must answer 503 while Triton is down and recover by itself.
 */

const MODEL = 'face_embedder';
const SHORT_TIMEOUT_MS = 800;

let stack: TritonTestStack;
let inputs: TensorMap;

beforeAll(async () => {
  stack = await startTritonTestStack();
  inputs = (await realModelInputs(stack.configs))[MODEL];
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

function backendFor(server: KServeTestServer, timeoutMs = SHORT_TIMEOUT_MS): TritonBackend {
  return new TritonBackend({ url: server.url, timeoutMs, models: stack.configs });
}

describe('Triton down at start', () => {
  let server: KServeTestServer;
  let backend: TritonBackend;

  beforeAll(async () => {
    server = new KServeTestServer(stack.onnx, stack.configs);
    await server.start(); // only to learn a free port
    await server.stop();
    backend = backendFor(server);
  });

  afterAll(async () => {
    backend.onModuleDestroy();
    await server.stop();
  });

  it('reports every model not ready, with a reason, without throwing', async () => {
    const status = await backend.status();
    expect(status).toHaveLength(stack.configs.length);
    expect(status.every((entry) => !entry.ready && /UNAVAILABLE/.test(entry.reason ?? ''))).toBe(true);
  });

  it('fails inference with InferenceUnavailableError (503) within the deadline', async () => {
    const started = Date.now();
    await expect(backend.infer(MODEL, inputs)).rejects.toBeInstanceOf(InferenceUnavailableError);
    expect(Date.now() - started).toBeLessThan(SHORT_TIMEOUT_MS + 500);
  });

  it('serves once Triton comes up, with the same backend object', async () => {
    await server.start();
    const outputs = await eventually(() => backend.infer(MODEL, inputs));
    expect(outputs.output.dims).toEqual([1, 512]);
    expect((await backend.status()).every((entry) => entry.ready)).toBe(true);
  });
});

describe('Triton goes down mid-run', () => {
  it('fails with 503 while down and recovers afterwards without a restart', async () => {
    const backend = backendFor(stack.server);
    try {
      await backend.infer(MODEL, inputs);

      await stack.server.stop();
      await expect(backend.infer(MODEL, inputs)).rejects.toBeInstanceOf(InferenceUnavailableError);
      expect((await backend.status()).some((entry) => entry.ready)).toBe(false);

      await stack.server.start();
      await eventually(() => backend.infer(MODEL, inputs));
      expect((await backend.status()).every((entry) => entry.ready)).toBe(true);
    } finally {
      backend.onModuleDestroy();
      await stack.server.start();
    }
  });
});

describe('Triton is slow', () => {
  afterEach(() => {
    stack.server.delayMs = 0;
  });

  it('gives up at the deadline with InferenceUnavailableError, without retrying past it', async () => {
    const backend = backendFor(stack.server, 300);
    try {
      stack.server.delayMs = 1500;
      const started = Date.now();
      const failure = backend.infer(MODEL, inputs);
      await expect(failure).rejects.toBeInstanceOf(InferenceUnavailableError);
      await expect(failure).rejects.toThrow(/DEADLINE_EXCEEDED/);
      expect(Date.now() - started).toBeLessThan(1000);
      expect((await backend.status()).every((entry) => !entry.ready)).toBe(true);
    } finally {
      backend.onModuleDestroy();
    }
  });
});

describe('readiness follows Triton', () => {
  afterEach(() => {
    stack.server.serverReady = true;
    stack.server.notReadyModels.clear();
  });

  it('reports one model not ready and refuses to run it with 503', async () => {
    stack.server.notReadyModels.add(MODEL);
    const status = await stack.triton.status();
    expect(status.filter((entry) => !entry.ready).map((entry) => entry.model)).toEqual([MODEL]);
    await expect(stack.triton.infer(MODEL, inputs)).rejects.toBeInstanceOf(InferenceUnavailableError);
  });

  it('reports every model not ready while the server is not ready', async () => {
    stack.server.serverReady = false;
    const status = await stack.triton.status();
    expect(status.every((entry) => !entry.ready && entry.reason === 'Triton server is not ready')).toBe(true);
  });
});
