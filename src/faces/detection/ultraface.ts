/**
 * Post-processing for UltraFace RFB-320 (face_detector). The graph already applies softmax and
 * decodes its 4,420 priors, so it outputs per-prior [background, face] scores and corner-form boxes
 * normalised to [0, 1] of the input.
 */
export const DETECTOR_INPUT = { width: 320, height: 240 } as const;

/** UltraFace's published defaults: score 0.7, hard NMS at IoU 0.3. */
export const DETECTOR_SCORE_THRESHOLD = 0.7;
export const DETECTOR_NMS_IOU = 0.3;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
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
