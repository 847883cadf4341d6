/** An 8-bit RGB image in row-major, interleaved order: what sharp's `.raw()` gives for 3 channels. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Row-major 2x3 affine matrix [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f. */
export type Affine = readonly [number, number, number, number, number, number];

/**
 * Resamples `image` into a width x height RGB image; `outputToSource` maps output pixel centres to
 * source coordinates. Bilinear, with `samplesPerAxis`^2 supersampling so that a large face shrunk
 * to 112 or 64 px is averaged instead of aliased. Pixels outside the source are black.
 */
export function warpAffine(image: RgbImage, outputToSource: Affine, width: number, height: number, samplesPerAxis = 1): RgbImage {
  const [a, b, c, d, e, f] = outputToSource;
  const { data, width: sourceWidth, height: sourceHeight } = image;
  const out = new Uint8Array(width * height * 3);
  const n = Math.max(1, Math.round(samplesPerAxis));
  const weight = 1 / (n * n);
  // Runs per output pixel on every request: sampling is inlined, without allocations.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let sy = 0; sy < n; sy++) {
        const oy = y + (sy + 0.5) / n - 0.5;
        for (let sx = 0; sx < n; sx++) {
          const ox = x + (sx + 0.5) / n - 0.5;
          const px = a * ox + b * oy + c;
          const py = d * ox + e * oy + f;
          const x0 = Math.floor(px);
          const y0 = Math.floor(py);
          const fx = px - x0;
          const fy = py - y0;
          for (let dy = 0; dy <= 1; dy++) {
            const yy = y0 + dy;
            if (yy < 0 || yy >= sourceHeight) continue;
            const wy = dy === 0 ? 1 - fy : fy;
            for (let dx = 0; dx <= 1; dx++) {
              const xx = x0 + dx;
              if (xx < 0 || xx >= sourceWidth) continue;
              const w = wy * (dx === 0 ? 1 - fx : fx);
              const i = (yy * sourceWidth + xx) * 3;
              red += w * data[i];
              green += w * data[i + 1];
              blue += w * data[i + 2];
            }
          }
        }
      }
      const o = (y * width + x) * 3;
      out[o] = Math.round(red * weight);
      out[o + 1] = Math.round(green * weight);
      out[o + 2] = Math.round(blue * weight);
    }
  }
  return { data: out, width, height };
}

/** Supersampling needed to shrink by `scale` (source px per output px) without aliasing. */
export function samplesForScale(scale: number): number {
  return Math.min(8, Math.max(1, Math.ceil(scale - 0.25)));
}

/** Crops and resizes an axis-aligned rectangle (source pixels) to width x height. */
export function cropResize(image: RgbImage, rect: { x: number; y: number; width: number; height: number }, width: number, height: number): RgbImage {
  const sx = rect.width / width;
  const sy = rect.height / height;
  const toSource: Affine = [sx, 0, rect.x + 0.5 * sx - 0.5, 0, sy, rect.y + 0.5 * sy - 0.5];
  return warpAffine(image, toSource, width, height, samplesForScale(Math.max(sx, sy)));
}

/** ITU-R BT.601 luma, the weights OpenCV's RGB->grey conversion uses. */
export function toGrey(image: RgbImage): Float32Array {
  const grey = new Float32Array(image.width * image.height);
  for (let i = 0, j = 0; i < grey.length; i++, j += 3) {
    grey[i] = 0.299 * image.data[j] + 0.587 * image.data[j + 1] + 0.114 * image.data[j + 2];
  }
  return grey;
}

export function mirror(image: RgbImage): RgbImage {
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 3;
      const to = (y * image.width + (image.width - 1 - x)) * 3;
      out[to] = image.data[from];
      out[to + 1] = image.data[from + 1];
      out[to + 2] = image.data[from + 2];
    }
  }
  return { data: out, width: image.width, height: image.height };
}

/** How a model wants its pixels: channel order, per-channel (x - mean) / std, and memory layout. */
export interface PixelNormalisation {
  readonly colourOrder: 'RGB' | 'BGR';
  /** Per channel, in the order the model takes them. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** NCHW: one plane per channel; NHWC: the channels of each pixel together. */
  readonly layout: 'NCHW' | 'NHWC';
}

/** Float tensor data for one image (no batch dimension), written into `out` at `offset` when given. */
export function toTensor(
  image: RgbImage,
  normalisation: PixelNormalisation,
  out = new Float32Array(image.width * image.height * 3),
  offset = 0,
): Float32Array {
  const plane = image.width * image.height;
  const { data } = image;
  const source = normalisation.colourOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const { mean, std } = normalisation;
  // Multiplying by 1/std equals dividing for the power-of-two 128 the shipped models use.
  const scale = [1 / std[0], 1 / std[1], 1 / std[2]];
  const planar = normalisation.layout === 'NCHW';
  for (let c = 0; c < 3; c++) {
    const from = source[c];
    const [m, k] = [mean[c], scale[c]];
    const start = offset + (planar ? c * plane : c);
    const step = planar ? 1 : 3;
    for (let i = 0, j = from, o = start; i < plane; i++, j += 3, o += step) out[o] = (data[j] - m) * k;
  }
  return out;
}

/** Planar NCHW with (x - 127) / 128, the detector's input; `bgr` swaps the channel order. */
export function toPlanarTensor(image: RgbImage, bgr: boolean): Float32Array {
  return toTensor(image, { colourOrder: bgr ? 'BGR' : 'RGB', layout: 'NCHW', mean: [127, 127, 127], std: [128, 128, 128] });
}
