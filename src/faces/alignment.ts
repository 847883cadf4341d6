import { Affine, RgbImage, samplesForScale, warpAffine } from './rgb-image.js';
import type { Point } from '../common/geometry.js';

/** The standard ArcFace 5-point template for 112x112 crops (insightface), which MobileFaceNet was trained on. */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];
export const ALIGNED_FACE_SIZE = 112;

/** x' = a*x - b*y + tx, y' = b*x + a*y + ty: rotation, uniform scale and translation. */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Least-squares similarity transform taking `from` onto `to` (closed form, Umeyama without reflection). */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  if (from.length !== to.length || from.length < 2) throw new Error('Need two equal lists of at least 2 points');
  const n = from.length;
  let fx = 0,
    fy = 0,
    tx = 0,
    ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0];
    fy += from[i][1];
    tx += to[i][0];
    ty += to[i][1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  let dot = 0,
    cross = 0,
    norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i][0] - fx,
      py = from[i][1] - fy;
    const qx = to[i][0] - tx,
      qy = to[i][1] - ty;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('Degenerate landmarks: all points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

export function applySimilarity(t: Similarity, [x, y]: Point): Point {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

export function invertSimilarity(t: Similarity): Similarity {
  const det = t.a * t.a + t.b * t.b;
  const a = t.a / det;
  const b = -t.b / det;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** Warps the face so that its 5 landmarks land on the ArcFace template: a 112x112 crop. */
export function alignFace(image: RgbImage, landmarks: readonly Point[]): RgbImage {
  const toTemplate = estimateSimilarity(landmarks, ARCFACE_TEMPLATE);
  const back = invertSimilarity(toTemplate);
  const toSource: Affine = [back.a, -back.b, back.tx, back.b, back.a, back.ty];
  const sourcePixelsPerOutputPixel = Math.hypot(back.a, back.b);
  return warpAffine(image, toSource, ALIGNED_FACE_SIZE, ALIGNED_FACE_SIZE, samplesForScale(sourcePixelsPerOutputPixel));
}
