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
  const { data } = image;
  const first = bgr ? 2 : 0;
  const last = bgr ? 0 : 2;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    out[i] = (data[j + first] - 127) * 0.0078125;
    out[plane + i] = (data[j + 1] - 127) * 0.0078125;
    out[2 * plane + i] = (data[j + last] - 127) * 0.0078125;
  }
  return out;
}
