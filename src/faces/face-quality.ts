import type { Point } from '../common/geometry.js';

export interface FaceQualityInputs {
  readonly detectionScore: number;
  readonly faceSizePx: number;
  /** Variance of the Laplacian of the aligned grey face: low means blurred. */
  readonly sharpness: number;
  readonly landmarks: readonly Point[];
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/**
 * Yaw and roll from the 5 landmarks, no 3-D model: yaw is the nose's horizontal offset from the
 * eye midpoint over half the eye distance (0 frontal, ~1 profile); roll is the eye line's angle.
 */
export function estimatePose(landmarks: readonly Point[]): { yaw: number; roll: number } {
  const [leftEye, rightEye, nose] = landmarks;
  const eyeDx = rightEye[0] - leftEye[0];
  const eyeDy = rightEye[1] - leftEye[1];
  const eyeDistance = Math.hypot(eyeDx, eyeDy) || 1;
  const midX = (leftEye[0] + rightEye[0]) / 2;
  const midY = (leftEye[1] + rightEye[1]) / 2;
  // Project the nose offset on the eye line so that head roll does not read as yaw.
  const along = ((nose[0] - midX) * eyeDx + (nose[1] - midY) * eyeDy) / eyeDistance;
  return { yaw: along / (eyeDistance / 2), roll: Math.atan2(eyeDy, eyeDx) };
}

/** Variance of the 4-neighbour Laplacian over a grey image. */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i];
      sum += value;
      sumSquares += value * value;
      count++;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return sumSquares / count - mean * mean;
}

/**
 * One number in [0, 1] for "how usable is this face for recognition", the product of four factors.
 * The breakpoints are judgement, not fitted: faces under 40 px and blur under a Laplacian variance of
 * ~100 on the 112 px crop lose accuracy visibly; yaw beyond ~0.6 is a half profile.
 */
export function faceQuality(inputs: FaceQualityInputs): number {
  const { yaw, roll } = estimatePose(inputs.landmarks);
  const detection = clamp01((inputs.detectionScore - 0.5) / 0.45);
  const size = clamp01((inputs.faceSizePx - 24) / (96 - 24));
  const sharpness = clamp01(inputs.sharpness / 150);
  const pose = clamp01(1 - Math.max(0, Math.abs(yaw) - 0.15) / 0.6) * clamp01(1 - Math.max(0, Math.abs(roll) - 0.35) / 0.8);
  return Math.round(detection * size * (0.3 + 0.7 * sharpness) * pose * 1000) / 1000;
}
