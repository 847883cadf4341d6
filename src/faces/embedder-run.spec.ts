import { EmbedderContract, EmbedderPreprocessing } from '../inference/embedder-contract.js';
import type { InferenceBackend, TensorMap } from '../inference/inference-backend.js';
import { SHIPPED_PREPROCESSING } from '../../test/support/embedders.js';
import { embedderInput, embedderRuns, meanOfUnitRows, runEmbedder } from './embedder-run.js';
import { RgbImage, toPlanarTensor, toTensor } from './rgb-image.js';

/** A 2x1 image: a red-ish pixel then a blue-ish one, interleaved RGB. */
const twoPixels: RgbImage = { data: Uint8Array.from([200, 100, 0, 10, 20, 255]), width: 2, height: 1 };

const shipped = SHIPPED_PREPROCESSING;

describe('toTensor', () => {
  it('NCHW in the declared channel order, (x - mean) / std per channel', () => {
    const rgb = toTensor(twoPixels, { colourOrder: 'RGB', layout: 'NCHW', mean: [0, 100, 200], std: [1, 2, 5] });
    expect(Array.from(rgb)).toEqual([200, 10, 0, -40, -40, 11]);
    // BGR: the first plane is blue, and mean/std apply in the model's channel order.
    const bgr = toTensor(twoPixels, { colourOrder: 'BGR', layout: 'NCHW', mean: [0, 100, 200], std: [1, 2, 5] });
    expect(Array.from(bgr)).toEqual([0, 255, 0, -40, 0, -38]);
  });

  it("NHWC keeps each pixel's channels together", () => {
    const nhwc = toTensor(twoPixels, { colourOrder: 'RGB', layout: 'NHWC', mean: [0, 0, 0], std: [1, 1, 1] });
    expect(Array.from(nhwc)).toEqual([200, 100, 0, 10, 20, 255]);
  });

  it('gives the detector exactly what it was fed before: (x - 127) / 128, planar', () => {
    expect(Array.from(toPlanarTensor(twoPixels, false))).toEqual([200, 10, 100, 20, 0, 255].map((value) => Math.fround((value - 127) * 0.0078125)));
  });
});

/** A backend that answers each run with row i = [i + 1, 0, ...] and records the shapes it was sent. */
function fakeBackend(dimension: number, parallelRuns = 1) {
  const runs: { model: string; dims: readonly number[]; input: string }[] = [];
  let row = 0;
  const backend = {
    parallelRuns,
    infer: async (model: string, inputs: TensorMap): Promise<TensorMap> => {
      const [input, tensor] = Object.entries(inputs)[0];
      runs.push({ model, dims: tensor.dims, input });
      const data = new Float32Array(tensor.dims[0] * dimension);
      for (let i = 0; i < tensor.dims[0]; i++) data[i * dimension] = ++row;
      return { vector: { data, dims: [tensor.dims[0], dimension] } };
    },
  } as unknown as InferenceBackend;
  return { backend, runs };
}

const crop = (value: number): RgbImage => ({ data: new Uint8Array(112 * 112 * 3).fill(value), width: 112, height: 112 });
const embedder = (maxBatchSize: number, preprocessing: EmbedderPreprocessing = shipped) =>
  new EmbedderContract('mine', 'pixels', 'vector', maxBatchSize, 3, 'f'.repeat(64), preprocessing);

describe('runEmbedder', () => {
  it("sends the crops in runs of the embedder's batch, under its tensor names and layout, and keeps the rows in order", async () => {
    const { backend, runs } = fakeBackend(3);
    const rows = await runEmbedder(backend, embedder(2, { ...shipped, layout: 'NHWC' }), [crop(1), crop(2), crop(3)]);
    expect(runs).toEqual([
      { model: 'mine', dims: [2, 112, 112, 3], input: 'pixels' },
      { model: 'mine', dims: [1, 112, 112, 3], input: 'pixels' },
    ]);
    expect(Array.from(rows)).toEqual([1, 0, 0, 2, 0, 0, 3, 0, 0]);
  });

  it('runs a graph with a fixed batch of 1 once per crop', async () => {
    const { backend, runs } = fakeBackend(3);
    await runEmbedder(backend, embedder(0), [crop(1), crop(2)]);
    expect(runs.map((run) => run.dims)).toEqual([
      [1, 3, 112, 112],
      [1, 3, 112, 112],
    ]);
  });

  it('refuses an answer of another length than the declared dimension, naming the model', async () => {
    const { backend } = fakeBackend(4);
    await expect(runEmbedder(backend, embedder(16), [crop(1)])).rejects.toThrow(/Embedder "mine" returned 4 values for "vector", expected 3/);
  });

  it('refuses a crop of another size than the template', () => {
    expect(() => embedderInput([{ data: new Uint8Array(3), width: 1, height: 1 }], embedder(16))).toThrow(/1x1, the embedder takes 112x112/);
  });
});

describe('embedderRuns', () => {
  const sizes = (crops: number, perRun: number, cropsPerGroup: number, parallelRuns: number) =>
    embedderRuns(
      Array.from({ length: crops }, (_, i) => i),
      perRun,
      cropsPerGroup,
      parallelRuns,
    ).map((run) => run.length);

  it('balances runs under the batch, a face and its mirror together', () => {
    expect(sizes(16, 16, 2, 1)).toEqual([16]);
    expect(sizes(20, 16, 2, 1)).toEqual([10, 10]);
    expect(sizes(34, 16, 2, 1)).toEqual([12, 12, 10]);
    expect(sizes(17, 16, 1, 1)).toEqual([9, 8]);
    expect(sizes(0, 16, 2, 2)).toEqual([]);
  });

  it('splits a lone face from its mirror over the runs the backend does at once, but keeps several faces in one batch', () => {
    expect(sizes(2, 16, 2, 2)).toEqual([1, 1]);
    expect(sizes(2, 16, 2, 1)).toEqual([2]);
    expect(sizes(2, 16, 2, Number.NaN)).toEqual([2]);
    expect(sizes(1, 16, 1, 4)).toEqual([1]);
    expect(sizes(4, 16, 2, 2)).toEqual([4]);
    expect(sizes(12, 16, 2, 2)).toEqual([12]);
    expect(sizes(20, 16, 2, 2)).toEqual([10, 10]);
  });

  it('never groups beyond a batch of 1', () => {
    expect(sizes(4, 1, 2, 1)).toEqual([1, 1, 1, 1]);
  });
});

describe('runEmbedder on two parallel runs', () => {
  it('keeps the rows in crop order', async () => {
    const { backend, runs } = fakeBackend(3, 2);
    const rows = await runEmbedder(backend, embedder(16), [crop(1), crop(2)], 2);
    expect(runs.map((run) => run.dims[0])).toEqual([1, 1]);
    expect(Array.from(rows)).toEqual([1, 0, 0, 2, 0, 0]);
  });
});

describe('meanOfUnitRows', () => {
  it('normalises each row, averages, and normalises again', () => {
    const rows = Float32Array.from([3, 4, 0, 0, 0, 2]);
    const mean = meanOfUnitRows(rows, 2, 3);
    const expected = [0.6, 0.8, 1].map((value) => value / Math.hypot(0.6, 0.8, 1));
    expected.forEach((value, i) => expect(mean[i]).toBeCloseTo(value, 6));
  });
});
