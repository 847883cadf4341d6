import type { Box } from '../common/geometry.js';

/** What an enrollment key remembers about its face besides the vector; returned to the client as `metadata`. */
export interface EnrollmentKeyMetadata {
  detection_score: number;
  box: Box;
  face_size_px: number;
  quality: number;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Checks metadata read back from the cache's jsonb column; a row this service did not write is refused loudly. */
export function parseEnrollmentKeyMetadata(value: unknown): EnrollmentKeyMetadata {
  const candidate = value as Partial<EnrollmentKeyMetadata> | null;
  const box = candidate?.box as Partial<Box> | undefined;
  const valid =
    isNumber(candidate?.detection_score) &&
    isNumber(candidate?.face_size_px) &&
    isNumber(candidate?.quality) &&
    isNumber(box?.x) &&
    isNumber(box?.y) &&
    isNumber(box?.width) &&
    isNumber(box?.height);
  if (!valid) throw new Error('Enrollment cache row holds malformed metadata');
  const { x, y, width, height } = box as Box;
  const { detection_score, face_size_px, quality } = candidate as EnrollmentKeyMetadata;
  return { detection_score, box: { x, y, width, height }, face_size_px, quality };
}
