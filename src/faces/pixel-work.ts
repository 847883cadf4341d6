import { onItsOwnTurn } from '../common/event-loop-turns.js';
import type { Box, Point } from '../common/geometry.js';
import { alignFace } from './alignment.js';
import { detectorInput } from './detection/detector-input.js';
import { ONET_INPUT_SIZE, onetInput } from './detection/onet.js';
import type { DetectionFrame } from './detection/ultraface.js';
import { decodeImage, DecodedImage } from './image-decoding.js';
import { cropResize, RgbImage, toPlanarTensor } from './rgb-image.js';

/**
 * The pipeline's steps that touch every pixel: decoding, the detector's input per frame, O-Net's
 * crops and the alignment warp. In the service they run on worker threads (PixelWorkerPool), so the
 * event loop only routes requests, talks to the database and answers health probes; tests and
 * benchmarks may run them here. Both give the same bytes.
 */
export abstract class PixelWork {
  /** Upright RGB pixels of an upload, or an ApiError (415, 422) for what cannot be decoded. */
  abstract decode(bytes: Buffer): Promise<DecodedImage>;
  /** The detector's planar input tensor for one detection frame of `image`. */
  abstract detectorTensor(image: RgbImage, frame: DetectionFrame): Promise<Float32Array>;
  /** O-Net's input tensor for the square `crop` of `image`. */
  abstract onetTensor(image: RgbImage, crop: Box): Promise<Float32Array>;
  /** The face warped onto the 112x112 ArcFace template by its 5 landmarks. */
  abstract alignFace(image: RgbImage, landmarks: readonly Point[]): Promise<RgbImage>;
}

/**
 * The steps on the calling thread (PIXEL_WORKER_THREADS=0, unit tests, bench:accuracy). Each
 * JavaScript pixel loop waits for its own event-loop turn, so queued I/O still gets polled between.
 */
export class PixelsOnThisThread extends PixelWork {
  decode(bytes: Buffer): Promise<DecodedImage> {
    return decodeImage(bytes);
  }

  async detectorTensor(image: RgbImage, frame: DetectionFrame): Promise<Float32Array> {
    // A large photo's frames finish resizing together: each converts on its own loop turn.
    const input = await detectorInput(image, frame);
    return onItsOwnTurn(() => toPlanarTensor(input, false));
  }

  onetTensor(image: RgbImage, crop: Box): Promise<Float32Array> {
    return onItsOwnTurn(() => onetInput(cropResize(image, crop, ONET_INPUT_SIZE, ONET_INPUT_SIZE)));
  }

  alignFace(image: RgbImage, landmarks: readonly Point[]): Promise<RgbImage> {
    return onItsOwnTurn(() => alignFace(image, landmarks));
  }
}

/** One step and its arguments: what PixelWorkerPool sends a worker. */
export type PixelCall =
  | { readonly step: 'decode'; readonly args: readonly [bytes: Uint8Array] }
  | { readonly step: 'detectorTensor'; readonly args: readonly [image: RgbImage, frame: DetectionFrame] }
  | { readonly step: 'onetTensor'; readonly args: readonly [image: RgbImage, crop: Box] }
  | { readonly step: 'alignFace'; readonly args: readonly [image: RgbImage, landmarks: readonly Point[]] };

export function runPixelCall(pixels: PixelWork, call: PixelCall): Promise<unknown> {
  switch (call.step) {
    case 'decode': {
      // Structured cloning delivers a Buffer as a plain Uint8Array.
      const [bytes] = call.args;
      return pixels.decode(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    case 'detectorTensor':
      return pixels.detectorTensor(...call.args);
    case 'onetTensor':
      return pixels.onetTensor(...call.args);
    case 'alignFace':
      return pixels.alignFace(...call.args);
  }
}
