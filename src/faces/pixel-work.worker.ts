import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../common/thread-priority.js';
import { ApiError } from '../common/api-error.js';
import { pixelSteps } from './pixel-work.js';
import type { RgbImage } from './rgb-image.js';

export type PixelStep = keyof typeof pixelSteps;

export interface PixelWorkerOptions {
  /** ORT_WORKER_NICE: this thread's nice value (0 = unchanged). */
  readonly nice: number;
}

export type PixelRequest = { id: number; step: PixelStep; args: unknown[] } | { close: true };
/** An ApiError crosses as its fields (class instances lose their prototype on the way). */
export type PixelFailure = { apiError: ConstructorParameters<typeof ApiError> } | { message: string };
export type PixelReply = { id: number; result: unknown } | { id: number; failure: PixelFailure };

/**
 * Runs pixelSteps for the PixelWorkerPool. A decoded image is copied once into shared memory, so
 * the later steps on any worker read it without a copy.
 */
const port = parentPort!;
const options = workerData as PixelWorkerOptions;
lowerThisThreadPriority(options.nice ?? 0);

const run = async (step: PixelStep, args: unknown[]): Promise<{ result: unknown; transfer: ArrayBuffer[] }> => {
  switch (step) {
    case 'decode': {
      // Structured cloning delivers a Buffer as a plain Uint8Array.
      const bytes = args[0] as Uint8Array;
      const decoded = await pixelSteps.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { result: { ...decoded, image: shared(decoded.image) }, transfer: [] };
    }
    case 'detectorTensor':
    case 'onetTensor': {
      const tensor = await (pixelSteps[step] as (...a: unknown[]) => Float32Array | Promise<Float32Array>)(...args);
      return { result: tensor, transfer: [tensor.buffer as ArrayBuffer] };
    }
    case 'alignFace': {
      const aligned = pixelSteps.alignFace(args[0] as RgbImage, args[1] as [number, number][]);
      return { result: aligned, transfer: [aligned.data.buffer as ArrayBuffer] };
    }
  }
};

port.on('message', (request: PixelRequest) => {
  if ('close' in request) {
    // Steps still running (libvips jobs) finish and answer before the thread ends.
    port.close();
    return;
  }
  run(request.step, request.args).then(
    ({ result, transfer }) => port.postMessage({ id: request.id, result } satisfies PixelReply, transfer),
    (error: unknown) => port.postMessage({ id: request.id, failure: failureOf(error) } satisfies PixelReply),
  );
});

function shared(image: RgbImage): RgbImage {
  const data = new Uint8Array(new SharedArrayBuffer(image.data.length));
  data.set(image.data);
  return { data, width: image.width, height: image.height };
}

function failureOf(error: unknown): PixelFailure {
  if (error instanceof ApiError) return { apiError: [error.httpStatus, error.errorCode, error.message, error.details, error.headers] };
  return { message: error instanceof Error ? error.message : String(error) };
}
