import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../common/api-error.js';
import { lowerThisThreadPriority } from '../common/thread-priority.js';
import type { DecodedImage } from './image-decoding.js';
import { PixelCall, PixelsOnThisThread, runPixelCall } from './pixel-work.js';
import type { RgbImage } from './rgb-image.js';

export interface PixelWorkerOptions {
  /** ORT_WORKER_NICE: this thread's nice value (0 = unchanged). */
  readonly nice: number;
}

export type PixelRequest = { readonly id: number; readonly call: PixelCall } | { readonly close: true };
/** An ApiError crosses as its fields (class instances lose their prototype on the way). */
export type PixelFailure = { apiError: ConstructorParameters<typeof ApiError> } | { message: string };
export type PixelReply = { id: number; result: unknown } | { id: number; failure: PixelFailure };

/**
 * Runs PixelWork steps for the PixelWorkerPool. A decoded image is copied once into shared memory,
 * so the later steps on any worker read it without a copy; tensors and crops are transferred back.
 */
const port = parentPort!;
lowerThisThreadPriority((workerData as PixelWorkerOptions).nice);
const pixels = new PixelsOnThisThread();

port.on('message', (request: PixelRequest) => {
  if ('close' in request) {
    // Steps still running (libvips jobs) finish and answer before the thread ends.
    port.close();
    return;
  }
  runPixelCall(pixels, request.call).then(
    (result) => {
      const [answer, transfer] = forTheWayBack(request.call, result);
      port.postMessage({ id: request.id, result: answer } satisfies PixelReply, transfer);
    },
    (error: unknown) => port.postMessage({ id: request.id, failure: failureOf(error) } satisfies PixelReply),
  );
});

function forTheWayBack(call: PixelCall, result: unknown): [unknown, ArrayBuffer[]] {
  switch (call.step) {
    case 'decode': {
      const decoded = result as DecodedImage;
      return [{ ...decoded, image: shared(decoded.image) }, []];
    }
    case 'detectorTensor':
    case 'onetTensor':
      return [result, [(result as Float32Array).buffer as ArrayBuffer]];
    case 'alignFace':
      return [result, [(result as RgbImage).data.buffer as ArrayBuffer]];
  }
}

function shared(image: RgbImage): RgbImage {
  const data = new Uint8Array(new SharedArrayBuffer(image.data.length));
  data.set(image.data);
  return { data, width: image.width, height: image.height };
}

function failureOf(error: unknown): PixelFailure {
  if (error instanceof ApiError) return { apiError: [error.httpStatus, error.errorCode, error.message, error.details, error.headers] };
  return { message: error instanceof Error ? error.message : String(error) };
}
