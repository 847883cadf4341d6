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
  const out = new Uint8Array(width * height * 3);
  const n = Math.max(1, Math.round(samplesPerAxis));
  const weight = 1 / (n * n);
  const accum = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      accum[0] = accum[1] = accum[2] = 0;
      for (let sy = 0; sy < n; sy++) {
        const oy = y + (sy + 0.5) / n - 0.5;
        for (let sx = 0; sx < n; sx++) {
          const ox = x + (sx + 0.5) / n - 0.5;
          sampleBilinear(image, a * ox + b * oy + c, d * ox + e * oy + f, accum);
        }
      }
      const o = (y * width + x) * 3;
      out[o] = Math.round(accum[0] * weight);
      out[o + 1] = Math.round(accum[1] * weight);
      out[o + 2] = Math.round(accum[2] * weight);
    }
  }
  return { data: out, width, height };
}

function sampleBilinear(image: RgbImage, x: number, y: number, accum: number[]): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  for (let dy = 0; dy <= 1; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= image.height) continue;
    const wy = dy === 0 ? 1 - fy : fy;
    for (let dx = 0; dx <= 1; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= image.width) continue;
      const w = wy * (dx === 0 ? 1 - fx : fx);
      const i = (yy * image.width + xx) * 3;
      accum[0] += w * image.data[i];
      accum[1] += w * image.data[i + 1];
      accum[2] += w * image.data[i + 2];
    }
  }
}

/** Supersampling needed to shrink by `scale` (source px per output px) without aliasing. */
export function samplesForScale(scale: number): number {
  return Math.min(8, Math.max(1, Math.ceil(scale - 0.25)));
}

/** Crops and resizes an axis-aligned rectangle (source pixels) to width x height. */
export function cropResize(
  image: RgbImage,
  rect: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
): RgbImage {
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

/**
 * Planar NCHW float tensor data with (x - 127) / 128 scaling, the normalisation both the
 * detector and the embedder were trained with; `bgr` swaps the channel order.
 */
export function toPlanarTensor(image: RgbImage, bgr: boolean): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(plane * 3);
  const order = bgr ? [2, 1, 0] : [0, 1, 2];
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (image.data[i * 3 + order[c]] - 127) / 128;
  }
  return out;
}
