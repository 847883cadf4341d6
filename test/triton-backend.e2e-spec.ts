import { InferenceBackend, InferenceUnavailableError, TensorMap } from '../src/inference/inference-backend.js';
import { realModelInputs } from './support/real-model-inputs.js';
import { startTritonTestStack, TritonTestStack } from './support/triton-test-stack.js';

/*
 * The contract both backends honour, run against ONNX Runtime in process and against the
 * Triton backend talking KServe gRPC to a stand-in server over the same ONNX Runtime.
 * Fault behaviour of the Triton backend is in triton-faults.e2e-spec.ts.
 */

const AGREEMENT_TOLERANCE = 1e-4; // issue 5: outputs for the same input agree within 1e-4

let stack: TritonTestStack;
let inputs: Record<string, TensorMap>;

beforeAll(async () => {
  stack = await startTritonTestStack();
  inputs = await realModelInputs(stack.configs);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const backends: [string, () => InferenceBackend][] = [
  ['onnx', () => stack.onnx],
  ['triton', () => stack.triton],
];

describe.each(backends)('InferenceBackend contract: %s', (kind, backend) => {
  it('names its kind', () => {
    expect(backend().kind).toBe(kind);
  });

  it('reports every face model ready', async () => {
    const status = await backend().status();
    expect(status.map((entry) => entry.model).sort()).toEqual(stack.configs.map((config) => config.name).sort());
    expect(status.every((entry) => entry.ready)).toBe(true);
  });

  it('returns every output with the dims config.pbtxt declares, for a real photo', async () => {
    for (const config of stack.configs) {
      const outputs = await backend().infer(config.name, inputs[config.name]);
      for (const declared of config.outputs) {
        const dims = config.maxBatchSize > 0 ? [1, ...declared.dims] : [...declared.dims];
        expect({ model: config.name, output: declared.name, dims: [...outputs[declared.name].dims] }).toEqual({ model: config.name, output: declared.name, dims });
        expect(outputs[declared.name].data.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('refuses an unknown model as a programming error, not an outage', async () => {
    const failure = backend().infer('no_such_model', {});
    await expect(failure).rejects.toThrow(/no_such_model/);
    await expect(failure).rejects.not.toBeInstanceOf(InferenceUnavailableError);
  });
});

describe('ONNX Runtime and Triton agree', () => {
  it.each(['face_detector', 'face_landmarks', 'face_embedder'])('on %s within 1e-4 for the same real input', async (model) => {
    const direct = await stack.onnx.infer(model, inputs[model]);
    const viaTriton = await stack.triton.infer(model, inputs[model]);
    expect(Object.keys(viaTriton).sort()).toEqual(Object.keys(direct).sort());
    for (const [name, expected] of Object.entries(direct)) {
      const actual = viaTriton[name];
      expect(actual.dims).toEqual(expected.dims);
      let worst = 0;
      expected.data.forEach((value, index) => { worst = Math.max(worst, Math.abs(value - actual.data[index])); });
      expect({ model, output: name, worst: worst <= AGREEMENT_TOLERANCE }).toEqual({ model, output: name, worst: true });
    }
  });

  it('sends each request to the server (not a local shortcut)', async () => {
    const before = stack.server.inferCount;
    await stack.triton.infer('face_embedder', inputs.face_embedder);
    expect(stack.server.inferCount).toBe(before + 1);
  });
});
