import { jest } from '@jest/globals';
import { FacePipeline } from '../src/faces/face-pipeline.js';
import { InferenceBackend, InferenceUnavailableError, TensorMap } from '../src/inference/inference-backend.js';
import { faceGrid, lfwPortraits, samplePortraits } from './support/face-photos.js';
import { shippedEmbedder } from './support/embedders.js';
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
        expect({ model: config.name, output: declared.name, dims: [...outputs[declared.name].dims] }).toEqual({
          model: config.name,
          output: declared.name,
          dims,
        });
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
  it.each(['face_detector', 'face_landmarks', 'face_landmarks5', 'face_embedder'])('on %s within 1e-4 for the same real input', async (model) => {
    const direct = await stack.onnx.infer(model, inputs[model]);
    const viaTriton = await stack.triton.infer(model, inputs[model]);
    expect(Object.keys(viaTriton).sort()).toEqual(Object.keys(direct).sort());
    for (const [name, expected] of Object.entries(direct)) {
      const actual = viaTriton[name];
      expect(actual.dims).toEqual(expected.dims);
      let worst = 0;
      expected.data.forEach((value, index) => {
        worst = Math.max(worst, Math.abs(value - actual.data[index]));
      });
      expect({ model, output: name, worst: worst <= AGREEMENT_TOLERANCE }).toEqual({ model, output: name, worst: true });
    }
  });

  it('on a batch of 2 embedder rows (what the pipeline can send), each row as at batch 1', async () => {
    const single = inputs.face_embedder.input;
    const mirrored = single.data.slice().reverse(); // any second row will do; reversed keeps the value range
    const pair: TensorMap = { input: { data: Float32Array.from([...single.data, ...mirrored]), dims: [2, ...single.dims.slice(1)] } };
    const direct = await stack.onnx.infer('face_embedder', pair);
    const viaTriton = await stack.triton.infer('face_embedder', pair);
    expect(viaTriton.output.dims).toEqual([2, 512]);
    expect(direct.output.dims).toEqual([2, 512]);
    const firstAlone = (await stack.triton.infer('face_embedder', inputs.face_embedder)).output.data;
    let worst = 0;
    direct.output.data.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(value - viaTriton.output.data[index]));
    });
    firstAlone.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(value - viaTriton.output.data[index]));
    });
    expect(worst).toBeLessThanOrEqual(AGREEMENT_TOLERANCE);
  });

  it("refuses what Triton refuses: a batch over max_batch_size, a wrong shape (a caller's bug, not an outage)", async () => {
    const config = stack.configs.find((entry) => entry.name === 'face_embedder')!;
    const rows = config.maxBatchSize + 1;
    const oversized = { input: { data: new Float32Array(rows * 3 * 112 * 112), dims: [rows, 3, 112, 112] } };
    const tooBig = stack.triton.infer('face_embedder', oversized);
    await expect(tooBig).rejects.toThrow(new RegExp(`INVALID_ARGUMENT.*batch-size must be <= ${config.maxBatchSize}`));
    await expect(tooBig).rejects.not.toBeInstanceOf(InferenceUnavailableError);
    const wrongShape = { input: { data: new Float32Array(2 * 3 * 112 * 112), dims: [2, 3, 112, 112] } };
    await expect(stack.triton.infer('face_landmarks', wrongShape)).rejects.toThrow(/unexpected shape for input 'input'/);
  });

  it('sends each request to the server (not a local shortcut)', async () => {
    const before = stack.server.inferCount;
    await stack.triton.infer('face_embedder', inputs.face_embedder);
    expect(stack.server.inferCount).toBe(before + 1);
  });
});

describe('a group photo through Triton', () => {
  it('embeds ten faces in two embedder requests of ten rows (under max_batch_size 16), as ONNX Runtime in process does', async () => {
    const inProcess = new FacePipeline(stack.onnx, shippedEmbedder());
    const portraits = lfwPortraits(10) ?? (await samplePortraits(10, async (photo) => (await inProcess.detect(photo)).faces.map((face) => face.box)));
    const photo = await faceGrid(portraits, { columns: 5, width: 1920, height: 1280, side: 300 });
    const infer = jest.spyOn(stack.triton, 'infer');
    try {
      const viaTriton = await new FacePipeline(stack.triton, shippedEmbedder()).embedFaces(photo, 10);
      const embedderRows = infer.mock.calls.filter(([model]) => model === 'face_embedder').map(([, tensors]) => tensors.input.dims[0]);
      expect(embedderRows).toEqual([10, 10]);
      const direct = await inProcess.embedFaces(photo, 10);
      expect(viaTriton.faces.map((face) => face.face.box)).toEqual(direct.faces.map((face) => face.face.box));
      viaTriton.faces.forEach(({ embedding }, index) => {
        const agreement = embedding.reduce((sum, value, i) => sum + value * direct.faces[index].embedding[i], 0);
        expect(agreement).toBeGreaterThan(0.9999);
      });
    } finally {
      infer.mockRestore();
    }
  });
});
