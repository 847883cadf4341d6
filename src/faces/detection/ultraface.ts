import type { Box } from '../../common/geometry.js';

/**
 * Post-processing for UltraFace RFB-320 (face_detector). The graph already applies softmax and
 * decodes its 4,420 priors, so it outputs per-prior [background, face] scores and corner-form boxes
 * normalised to [0, 1] of the input.
 */
export const DETECTOR_INPUT = { width: 320, height: 240 } as const;

/** UltraFace's published defaults: score 0.7, hard NMS at IoU 0.3. */
export const DETECTOR_SCORE_THRESHOLD = 0.7;
export const DETECTOR_NMS_IOU = 0.3;

/** A region the detector looks at, and which of its detections to trust. */
export interface DetectionFrame extends Box {
  /** Taller faces are left to a coarser frame, which sees them whole; zoomed-in tiles mistake body parts for big faces. */
  readonly maxFaceHeight: number;
  readonly minScore: number;
}

/**
 * The whole image always; on large images also overlapping tiles, because a 1920 px photo squeezed
 * into 320 px leaves a 60 px face 10 px wide, below UltraFace's smallest prior. A grid's tiles overlap
 * by a third of a tile, so a face that the coarser level cannot see is whole in at least one tile.
 */
export function detectionFrames(width: number, height: number): DetectionFrame[] {
  const frames: DetectionFrame[] = [{ x: 0, y: 0, width, height, maxFaceHeight: Infinity, minScore: DETECTOR_SCORE_THRESHOLD }];
  const longSide = Math.max(width, height);
  let coarserTile = 1;
  for (const [minLongSide, perAxis] of TILE_LEVELS) {
    if (longSide < minLongSide) continue;
    // n tiles of size t with overlap t/3 cover the axis: n*t - (n-1)*t/3 = 1.
    const tile = 1 / (perAxis - (perAxis - 1) / 3);
    const step = (1 - tile) / (perAxis - 1);
    const maxFaceHeight = TILE_HANDOVER * coarserTile * Math.min(width, height);
    for (let row = 0; row < perAxis; row++) {
      for (let column = 0; column < perAxis; column++) {
        frames.push({
          x: Math.round(column * step * width),
          y: Math.round(row * step * height),
          width: Math.round(tile * width),
          height: Math.round(tile * height),
          maxFaceHeight,
          minScore: TILE_SCORE_THRESHOLD,
        });
      }
    }
    coarserTile = tile;
  }
  return frames;
}

/** [long side from which the level runs, tiles per axis]: measured on the npm samples shrunk into a 1920x1280 canvas. */
export const TILE_LEVELS: readonly (readonly [number, number])[] = [
  [960, 2],
  [1600, 3],
];
/** A coarser frame finds faces down to about 15% of its height (36 px of the 240 px input) reliably. */
const TILE_HANDOVER = 0.15;
/** Tiles see more clutter per face; the false positives they add on the npm samples score below 0.9. */
const TILE_SCORE_THRESHOLD = 0.9;

/** Drops tile detections that a coarser frame owns or that the tile's edge cuts (unless it is the image's edge). */
export function trustedInFrame(candidate: Candidate, frame: DetectionFrame, imageWidth: number, imageHeight: number): boolean {
  if (candidate.score < frame.minScore || candidate.box.height > frame.maxFaceHeight) return false;
  if (frame.maxFaceHeight === Infinity) return true;
  const margin = 2;
  const { x, y, width, height } = candidate.box;
  const cutLeft = x <= frame.x + margin && frame.x > 0;
  const cutTop = y <= frame.y + margin && frame.y > 0;
  const cutRight = x + width >= frame.x + frame.width - margin && frame.x + frame.width < imageWidth;
  const cutBottom = y + height >= frame.y + frame.height - margin && frame.y + frame.height < imageHeight;
  return !(cutLeft || cutTop || cutRight || cutBottom);
}

/**
 * How far a frame's aspect may be stretched to the detector's 4:3 input before its short axis is
 * padded instead (letterbox). Up to these limits frames are stretched as the detector was trained, so
 * LFW's 1:1, 3:2 and 16:9 photos and portraits up to 9:16 keep their inputs exactly.
 * - Wide frames, 16/9: a 1740x380 strip stretched whole makes its faces 3.4 times too narrow and the
 *   detector finds almost none. On 40 strips of 3 and 5 LFW faces (3:1 and 4.6:1) every face is found
 *   at 16/9; at 2, a face is lost in 3 strips.
 * - Tall frames, 5/2: widened faces suffer less. On 45 columns of 2, 3 and 5 LFW faces, 1 face of 150
 *   is lost at 5/2 (none at 16/9, 82 stretching all); at 16/9 a profile face in a 1:1.42 photo was lost,
 *   at 5/2 every face of the shared photos is found as before.
 */
export const MAX_WIDE_STRETCH = 16 / 9;
export const MAX_TALL_STRETCH = 5 / 2;

/**
 * The region of the image, in image pixels, that maps onto the detector's input for `frame`: the
 * frame itself, or the frame centred in a taller (wide frames) or wider (tall frames) region whose
 * outside is padding.
 */
export function detectorView(frame: Box): Box {
  const inputAspect = DETECTOR_INPUT.width / DETECTOR_INPUT.height;
  const stretch = frame.width / frame.height / inputAspect;
  if (stretch > MAX_WIDE_STRETCH) {
    const height = frame.width / (inputAspect * MAX_WIDE_STRETCH);
    return { x: frame.x, y: frame.y - (height - frame.height) / 2, width: frame.width, height };
  }
  if (stretch < 1 / MAX_TALL_STRETCH) {
    const width = (frame.height * inputAspect) / MAX_TALL_STRETCH;
    return { x: frame.x - (width - frame.width) / 2, y: frame.y, width, height: frame.height };
  }
  return { x: frame.x, y: frame.y, width: frame.width, height: frame.height };
}

export interface Candidate {
  readonly box: Box;
  readonly score: number;
}

/**
 * Turns raw detector outputs into face candidates in the pixel space of `frame` (the region of the
 * image the 320x240 input was resized from), best first, after NMS.
 */
export function decodeDetections(
  scores: Float32Array,
  boxes: Float32Array,
  frame: Box,
  scoreThreshold = DETECTOR_SCORE_THRESHOLD,
  iouThreshold = DETECTOR_NMS_IOU,
): Candidate[] {
  const priors = scores.length / 2;
  if (boxes.length !== priors * 4) throw new Error(`Detector output mismatch: ${priors} scores, ${boxes.length / 4} boxes`);
  const candidates: Candidate[] = [];
  for (let i = 0; i < priors; i++) {
    const score = scores[i * 2 + 1];
    if (score < scoreThreshold) continue;
    const x1 = frame.x + boxes[i * 4] * frame.width;
    const y1 = frame.y + boxes[i * 4 + 1] * frame.height;
    const x2 = frame.x + boxes[i * 4 + 2] * frame.width;
    const y2 = frame.y + boxes[i * 4 + 3] * frame.height;
    if (x2 <= x1 || y2 <= y1) continue;
    candidates.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
  }
  return nonMaximumSuppression(candidates, iouThreshold);
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  return intersection / (a.width * a.height + b.width * b.height - intersection);
}

/** Greedy hard NMS: keeps the best box, drops those overlapping it by more than `iouThreshold`. */
export function nonMaximumSuppression(candidates: Candidate[], iouThreshold: number): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const candidate of sorted) {
    if (kept.every((other) => intersectionOverUnion(candidate.box, other.box) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}
