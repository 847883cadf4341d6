import { onItsOwnTurn } from '../../common/event-loop-turns.js';
import { InferenceBackend } from '../../inference/inference-backend.js';
import { FACE_MODELS } from '../../inference/model-repository.js';
import type { PixelWork } from '../pixel-work.js';
import type { RgbImage } from '../rgb-image.js';
import {
  Candidate,
  decodeDetections,
  DETECTOR_INPUT,
  DETECTOR_NMS_IOU,
  DetectionFrame,
  detectionFrames,
  detectorView,
  nonMaximumSuppression,
  trustedInFrame,
} from './ultraface.js';

/**
 * Every face candidate in an image, best scores first: UltraFace over each detection frame (the
 * whole image, and tiles on large images), then NMS across frames.
 */
export async function detectFaces(backend: InferenceBackend, pixels: PixelWork, image: RgbImage): Promise<Candidate[]> {
  // Frames run concurrently (input tensors on the pixel workers, inference in ONNX Runtime, both off
  // the event loop); results are gathered in frame order, so NMS sees the same list as a sequential loop.
  const perFrame = await Promise.all(detectionFrames(image.width, image.height).map((frame) => detectInFrame(backend, pixels, image, frame)));
  return nonMaximumSuppression(perFrame.flat(), DETECTOR_NMS_IOU);
}

async function detectInFrame(backend: InferenceBackend, pixels: PixelWork, image: RgbImage, frame: DetectionFrame): Promise<Candidate[]> {
  const data = await pixels.detectorTensor(image, frame);
  const outputs = await backend.infer(
    FACE_MODELS.detector,
    { input: { data, dims: [1, 3, DETECTOR_INPUT.height, DETECTOR_INPUT.width] } },
    { handOverInputs: true },
  );
  // A large photo's frames finish together: each decodes on its own loop turn.
  const found = await onItsOwnTurn(() => decodeDetections(outputs.scores.data, outputs.boxes.data, detectorView(frame)));
  return found.filter((candidate) => trustedInFrame(candidate, frame, image.width, image.height));
}
