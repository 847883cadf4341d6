import sharp from 'sharp';
import { onItsOwnTurn } from '../../common/event-loop-turns.js';
import { InferenceBackend } from '../../inference/inference-backend.js';
import { FACE_MODELS } from '../../inference/model-repository.js';
import { RgbImage, toPlanarTensor } from '../rgb-image.js';
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

/** UltraFace normalises pixels as (value - 127) / 128: padding of 127 reads as zero. */
const PADDING = { r: 127, g: 127, b: 127 };

/**
 * Every face candidate in an image, best scores first: UltraFace over each detection frame (the
 * whole image, and tiles on large images), then NMS across frames.
 */
export async function detectFaces(backend: InferenceBackend, image: RgbImage): Promise<Candidate[]> {
  // Frames run concurrently (resize in libvips, inference in ONNX Runtime, both off the event
  // loop); results are gathered in frame order, so NMS sees the same list as a sequential loop.
  const perFrame = await Promise.all(detectionFrames(image.width, image.height).map((frame) => detectInFrame(backend, image, frame)));
  return nonMaximumSuppression(perFrame.flat(), DETECTOR_NMS_IOU);
}

async function detectInFrame(backend: InferenceBackend, image: RgbImage, frame: DetectionFrame): Promise<Candidate[]> {
  const input = await detectorInput(image, frame);
  // A large photo's frames finish resizing together: each converts and decodes on its own loop turn.
  const data = await onItsOwnTurn(() => toPlanarTensor(input, false));
  const outputs = await backend.infer(FACE_MODELS.detector, { input: { data, dims: [1, 3, DETECTOR_INPUT.height, DETECTOR_INPUT.width] } });
  const found = await onItsOwnTurn(() => decodeDetections(outputs.scores.data, outputs.boxes.data, detectorView(frame)));
  return found.filter((candidate) => trustedInFrame(candidate, frame, image.width, image.height));
}

/**
 * The detector's 320x240 input for one frame: the frame stretched to it (libvips resizes far faster
 * than a JS loop), or, for a frame too wide or too tall for that, stretched to part of it and padded
 * (detectorView says which part).
 */
export async function detectorInput(image: RgbImage, frame: DetectionFrame): Promise<RgbImage> {
  const { width, height } = DETECTOR_INPUT;
  const view = detectorView(frame);
  const scaleX = width / view.width;
  const scaleY = height / view.height;
  const contentWidth = Math.min(width, Math.max(1, Math.round(frame.width * scaleX)));
  const contentHeight = Math.min(height, Math.max(1, Math.round(frame.height * scaleY)));
  let resized = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: frame.x, top: frame.y, width: frame.width, height: frame.height })
    .resize(contentWidth, contentHeight, { fit: 'fill', kernel: 'linear' });
  if (contentWidth < width || contentHeight < height) {
    const left = Math.round((frame.x - view.x) * scaleX);
    const top = Math.round((frame.y - view.y) * scaleY);
    resized = resized.extend({ left, top, right: width - contentWidth - left, bottom: height - contentHeight - top, background: PADDING });
  }
  return { data: await resized.raw().toBuffer(), width, height };
}
