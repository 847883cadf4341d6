import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Tensor, TensorMap } from '../../src/inference/inference-backend.js';
import type { ModelConfig } from '../../src/inference/model-repository.js';

/**
 * Realistic model inputs built from a real face photo (the demo samples that ship with the
 * @vladmandic/face-api devDependency), so that transport tests see natural value ranges
 * rather than zeros. The normalisation mirrors common practice; exact equality with the face
 * pipeline's preprocessing is not needed to compare two backends on the same tensor.
 */
export function samplePhotoPath(index = 1): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@vladmandic/face-api/package.json'));
  return join(packageDir, 'demo', `sample${index}.jpg`);
}

/** An image resized to width x height as planar (CHW) floats: (value - mean) / scale per channel. */
async function planarTensor(path: string, width: number, height: number, channels: 1 | 3, mean: number, scale: number): Promise<Tensor> {
  let image = sharp(path).resize(width, height, { fit: 'fill' }).removeAlpha();
  image = channels === 1 ? image.greyscale() : image.toColourspace('srgb');
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`expected ${channels} channels from ${path}, got ${info.channels}`);
  const pixels = width * height;
  const planar = new Float32Array(channels * pixels);
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let channel = 0; channel < channels; channel++) {
      planar[channel * pixels + pixel] = (data[pixel * channels + channel] - mean) / scale;
    }
  }
  return { data: planar, dims: [1, channels, height, width] };
}

/** An RGB image resized to width x height as interleaved (HWC) floats, (value - 127.5) / 128. */
async function interleavedTensor(path: string, width: number, height: number): Promise<Tensor> {
  const data = await sharp(path).resize(width, height, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  return { data: Float32Array.from(data, (value) => (value - 127.5) / 128), dims: [1, height, width, 3] };
}

/**
 * One tensor per input of each model, shaped as its config.pbtxt declares ([1, C, H, W], or
 * [C, H, W] plus the batch when max_batch_size > 0, or [1, H, W, 3] for the NHWC graph converted
 * from TFLite), so the inputs follow the repository.
 */
export async function realModelInputs(configs: readonly ModelConfig[], path = samplePhotoPath()): Promise<Record<string, TensorMap>> {
  const byModel: Record<string, TensorMap> = {};
  for (const config of configs) {
    const inputs: TensorMap = {};
    for (const input of config.inputs) {
      const dims = config.maxBatchSize > 0 ? [1, ...input.dims] : [...input.dims];
      if (dims.length === 4 && dims[3] === 3 && dims[1] > 3) {
        inputs[input.name] = await interleavedTensor(path, dims[2], dims[1]);
        continue;
      }
      const [, channels, height, width] = dims;
      if (dims.length !== 4 || (channels !== 1 && channels !== 3)) {
        throw new Error(`${config.name}.${input.name}: expected an image tensor [1, 1|3, H, W], got [${dims.join(', ')}]`);
      }
      inputs[input.name] =
        channels === 1 ? await planarTensor(path, width, height, 1, 0, 255) : await planarTensor(path, width, height, 3, 127.5, 128);
    }
    byModel[config.name] = inputs;
  }
  return byModel;
}
