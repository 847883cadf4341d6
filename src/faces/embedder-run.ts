import type { EmbedderContract } from '../inference/embedder-contract.js';
import type { InferenceBackend, Tensor } from '../inference/inference-backend.js';
import { RgbImage, toTensor } from './rgb-image.js';

/** The embedder's input for aligned crops, fed as its declared preprocessing says. */
export function embedderInput(crops: readonly RgbImage[], embedder: EmbedderContract): Tensor {
  const size = embedder.preprocessing.templateSize;
  const perCrop = 3 * size * size;
  const data = new Float32Array(crops.length * perCrop);
  crops.forEach((crop, index) => {
    if (crop.width !== size || crop.height !== size)
      throw new Error(`Aligned crop is ${crop.width}x${crop.height}, the embedder takes ${size}x${size}`);
    toTensor(crop, embedder.preprocessing, data, index * perCrop);
  });
  return { data, dims: embedder.inputDims(crops.length) };
}

/**
 * Runs the embedder on aligned crops and returns one row of `dimension` raw values per crop, in order.
 * Each run takes at most the model's batch (the shipped one: 16) and runs are balanced (20 crops: 10 + 10,
 * not 16 + 4) and go to the backend together. Crops come in groups of `cropsPerGroup` (a face and its
 * mirror) that stay in one run, except a lone face's: its views go out as separate runs, one per run
 * the backend does at once. On the two ONNX workers that took 10.8 ms instead of 18.7 as one run of
 * two (bench:latency), for the same CPU.
 */
export async function runEmbedder(
  backend: InferenceBackend,
  embedder: EmbedderContract,
  crops: readonly RgbImage[],
  cropsPerGroup = 1,
): Promise<Float32Array> {
  const runs = embedderRuns(crops, embedder.facesPerRun, cropsPerGroup, backend.parallelRuns);
  const outputs = await Promise.all(
    runs.map(
      async (run) =>
        (await backend.infer(embedder.model, { [embedder.inputName]: embedderInput(run, embedder) }, { handOverInputs: true }))[embedder.outputName]
          ?.data,
    ),
  );
  const rows = new Float32Array(crops.length * embedder.dimension);
  let offset = 0;
  outputs.forEach((values, index) => {
    const expected = runs[index].length * embedder.dimension;
    if (values?.length !== expected)
      throw new Error(`Embedder "${embedder.model}" returned ${values?.length ?? 'no'} values for "${embedder.outputName}", expected ${expected}`);
    rows.set(values, offset);
    offset += expected;
  });
  return rows;
}

/** How runEmbedder splits `crops` into runs (exported for its spec). */
export function embedderRuns<T>(crops: readonly T[], perRun: number, cropsPerGroup: number, parallelRuns: number): T[][] {
  let groupSize = cropsPerGroup <= perRun ? cropsPerGroup : 1;
  // A lone face's views spread over the parallel runs; several faces keep one batch as long as it fits.
  const wanted = crops.length <= groupSize ? Math.min(crops.length, Math.max(1, Math.floor(parallelRuns) || 1)) : 1;
  if (wanted > 1) groupSize = 1;
  const groups = Math.ceil(crops.length / groupSize);
  const runCount = Math.max(wanted, Math.ceil(groups / Math.floor(perRun / groupSize)));
  const cropsPerRun = Math.ceil(groups / runCount) * groupSize;
  const runs: T[][] = [];
  for (let start = 0; start < crops.length; start += cropsPerRun) runs.push(crops.slice(start, start + cropsPerRun));
  return runs;
}

/** The L2-normalised mean of `count` rows after normalising each: one embedding from several views of a face. */
export function meanOfUnitRows(rows: Float32Array, count: number, dimension: number): Float32Array {
  const sum = new Float32Array(dimension);
  for (let row = 0; row < count; row++) {
    const unit = l2Normalise(rows.subarray(row * dimension, (row + 1) * dimension));
    for (let i = 0; i < dimension; i++) sum[i] += unit[i];
  }
  return l2Normalise(sum);
}

export function l2Normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}
