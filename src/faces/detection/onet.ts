import { RgbImage } from '../rgb-image.js';
import type { Box, Point } from '../../common/geometry.js';

/**
 * Pre- and post-processing for MTCNN's O-Net (face_landmarks5), the last stage of MTCNN, run here
 * on UltraFace's box instead of MTCNN's own R-Net output. Pure functions; the pipeline runs the model.
 */

/** face_landmarks5 takes one 48x48 RGB crop. */
export const ONET_INPUT_SIZE = 48;

/** The outputs of one O-Net run, as face_landmarks5 names them. */
export interface OnetOutput {
  /** [dx1, dy1, dx2, dy2]: corner offsets as fractions of the crop's width and height. */
  readonly boxRegression: ArrayLike<number>;
  /** [x1..x5, y1..y5] as fractions of the crop: left eye, right eye, nose, left and right mouth corner. */
  readonly landmarks: ArrayLike<number>;
}

/** MTCNN feeds each stage a square: side = the longer side, same centre. */
export function squareBox(box: Box): Box {
  const side = Math.max(box.width, box.height);
  return { x: box.x + (box.width - side) / 2, y: box.y + (box.height - side) / 2, width: side, height: side };
}

/** MTCNN's box regression: each corner moves by its offset times the box's width or height. */
export function regressBox(box: Box, [dx1, dy1, dx2, dy2]: readonly number[]): Box {
  const x1 = box.x + dx1 * box.width;
  const y1 = box.y + dy1 * box.height;
  const x2 = box.x + box.width + dx2 * box.width;
  const y2 = box.y + box.height + dy2 * box.height;
  if (!(x2 > x1 && y2 > y1)) throw new Error('O-Net box regression produced an empty box');
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/**
 * A 48x48 RGB crop as O-Net's input: NHWC [1, 48, 48, 3] with (x - 127.5) / 128, and the image
 * transposed (the first spatial axis is x), because MTCNN's networks were trained on column-major
 * images; the package that ships this model transposes the same way.
 */
export function onetInput(crop: RgbImage): Float32Array {
  if (crop.width !== ONET_INPUT_SIZE || crop.height !== ONET_INPUT_SIZE) throw new Error(`O-Net needs a ${ONET_INPUT_SIZE}x${ONET_INPUT_SIZE} crop`);
  const out = new Float32Array(ONET_INPUT_SIZE * ONET_INPUT_SIZE * 3);
  for (let y = 0; y < ONET_INPUT_SIZE; y++) {
    for (let x = 0; x < ONET_INPUT_SIZE; x++) {
      const from = (y * ONET_INPUT_SIZE + x) * 3;
      const to = (x * ONET_INPUT_SIZE + y) * 3;
      for (let c = 0; c < 3; c++) out[to + c] = (crop.data[from + c] - 127.5) / 128;
    }
  }
  return out;
}

/** The 5 points in image pixels (pixel centres at integers), in the order the aligner expects. */
export function decodeOnetLandmarks(landmarks: ArrayLike<number>, crop: Box): Point[] {
  if (landmarks.length !== 10) throw new Error(`O-Net gives 10 landmark values, got ${landmarks.length}`);
  return Array.from({ length: 5 }, (_, i): Point => [crop.x + landmarks[i] * crop.width - 0.5, crop.y + landmarks[i + 5] * crop.height - 0.5]);
}

/**
 * The crop of O-Net's second run: the first run's box regression applied to its crop, squared
 * again, as MTCNN does between stages. Without this pass the points were worse than the 68-point
 * model's (docs/models.md). A regression that would leave no box (a crop that is no face at all)
 * keeps the first crop, so odd input never becomes a server error.
 */
export function refinedOnetCrop(firstCrop: Box, first: OnetOutput): Box {
  const r = [first.boxRegression[0], first.boxRegression[1], first.boxRegression[2], first.boxRegression[3]];
  const width = firstCrop.width * (1 + r[2] - r[0]);
  const height = firstCrop.height * (1 + r[3] - r[1]);
  if (!r.every(Number.isFinite) || !(width > 0 && height > 0)) return firstCrop;
  return squareBox(regressBox(firstCrop, r));
}
