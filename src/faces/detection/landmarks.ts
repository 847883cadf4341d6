import type { Box, Point } from '../../common/geometry.js';

/** face_landmarks takes a 64x64 grey crop scaled to [0, 1). */
export const LANDMARK_INPUT_SIZE = 64;

/**
 * The square crop the landmark model expects: side = box height, centred on the box, moved (not
 * shrunk) to stay inside the image when it can, as the model's authors fed it.
 */
export function landmarkCropFor(box: Box, imageWidth: number, imageHeight: number): Box {
  const side = Math.min(box.height, imageWidth, imageHeight);
  const centreX = box.x + box.width / 2;
  const centreY = box.y + box.height / 2;
  const x = Math.min(Math.max(centreX - side / 2, 0), imageWidth - side);
  const y = Math.min(Math.max(centreY - side / 2, 0), imageHeight - side);
  return { x, y, width: side, height: side };
}

/** Grey crop (0..255 luma) to the model's input scaling. */
export function landmarkInput(grey: Float32Array): Float32Array {
  return grey.map((value) => value / 256);
}

/** For each iBUG-68 index, the index of the same landmark on the mirrored face (jaw, brows, nose, eyes, lips). */
export const MIRRORED_LANDMARK: readonly number[] = [
  16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 27, 28, 29, 30, 35, 34, 33, 32, 31, 45, 44, 43,
  42, 47, 46, 39, 38, 37, 36, 41, 40, 54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65,
];

/** Mirrors a grey square crop left to right. */
export function mirrorGrey(grey: Float32Array, size: number): Float32Array {
  const out = new Float32Array(grey.length);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[y * size + x] = grey[y * size + size - 1 - x];
  return out;
}

/**
 * Averages the model's output on a crop with its output on the mirrored crop, mapped back: the
 * landmark model's errors are partly asymmetric, so the mean is steadier (measured by bench:accuracy).
 */
export function averageWithMirrored(output: Float32Array, mirroredOutput: Float32Array): Float32Array {
  const averaged = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    const j = MIRRORED_LANDMARK[i];
    averaged[i * 2] = (output[i * 2] + 1 - mirroredOutput[j * 2]) / 2;
    averaged[i * 2 + 1] = (output[i * 2 + 1] + mirroredOutput[j * 2 + 1]) / 2;
  }
  return averaged;
}

/** 136 outputs normalised to the crop -> 68 points in image pixels (pixel centres at integers). */
export function decodeLandmarks(output: Float32Array, crop: Box): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < 68; i++) {
    points.push([crop.x + output[i * 2] * crop.width - 0.5, crop.y + output[i * 2 + 1] * crop.height - 0.5]);
  }
  return points;
}

function mean(points: Point[]): Point {
  const sum = points.reduce<Point>((acc, [x, y]) => [acc[0] + x, acc[1] + y], [0, 0]);
  return [sum[0] / points.length, sum[1] / points.length];
}

/**
 * The iBUG 68-point scheme reduced to the 5 points of the ArcFace template, in image order:
 * left eye centre, right eye centre, nose tip, left and right mouth corners. An eye centre is the
 * mean of its six contour points; a mouth corner averages the outer and inner lip corner.
 */
export function fivePointsFrom68(points: Point[]): Point[] {
  if (points.length !== 68) throw new Error(`Expected 68 landmarks, got ${points.length}`);
  return [mean(points.slice(36, 42)), mean(points.slice(42, 48)), points[30], mean([points[48], points[60]]), mean([points[54], points[64]])];
}
