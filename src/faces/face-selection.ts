import type { Box } from '../common/geometry.js';

/**
 * Smallest face worth embedding: the longer side of its detector box, in the pixels the pipeline
 * works on (photos above 2,048 px are shrunk to that first). Measured on 150 LFW View-1 matched pairs,
 * the probe shrunk until its face was this size: a known person reaches the match threshold 94% of
 * the time at full size (~110 px), 79% at 40 px, 57% at 32 px, 16% at 24 px. Below 32 px a face is
 * more often missed than recognised, and its enrollment key would store a poor template.
 * Rerun: `npm run bench:accuracy -- --face-sizes`.
 */
export const MIN_FACE_SIZE_PX = 32;

/** Whether a detection is large enough to embed (MIN_FACE_SIZE_PX unless told otherwise). */
export const isEmbeddable = (box: Box, minFaceSizePx = MIN_FACE_SIZE_PX): boolean => Math.max(box.width, box.height) >= minFaceSizePx;

/**
 * Which face a photo is about. insightface's rule (box area minus twice the squared distance of the
 * box centre from the image centre), with the area counted as visible area times the visible fraction:
 * LFW-like photos often hold a bystander cut by the edge whose box is as big as the subject's.
 * Measured by bench:accuracy on the 1:N protocol against plain "largest box".
 */
export function faceProminence(box: Box, imageWidth: number, imageHeight: number): number {
  const visibleWidth = Math.max(0, Math.min(box.x + box.width, imageWidth) - Math.max(box.x, 0));
  const visibleHeight = Math.max(0, Math.min(box.y + box.height, imageHeight) - Math.max(box.y, 0));
  const visible = visibleWidth * visibleHeight;
  const offsetX = box.x + box.width / 2 - imageWidth / 2;
  const offsetY = box.y + box.height / 2 - imageHeight / 2;
  return (visible * visible) / (box.width * box.height) - 2 * (offsetX * offsetX + offsetY * offsetY);
}

/**
 * The faces a recognition request is about, most prominent first: those large enough to embed.
 * recognise_user takes the first; the group route takes as many as it was asked for.
 */
export function embeddableByProminence<T extends { readonly box: Box }>(
  faces: readonly T[],
  imageWidth: number,
  imageHeight: number,
  minFaceSizePx = MIN_FACE_SIZE_PX,
): T[] {
  return faces
    .filter((face) => isEmbeddable(face.box, minFaceSizePx))
    .map((face) => ({ face, prominence: faceProminence(face.box, imageWidth, imageHeight) }))
    .sort((a, b) => b.prominence - a.prominence)
    .map(({ face }) => face);
}
