/** A rectangle in image pixels: detector boxes, crops, and the boxes the API returns. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An (x, y) position in image pixels, such as a facial landmark. */
export type Point = [number, number];

/** Rounds to `digits` decimals: scores and similarities leave the API at 4, landmark pixels at 2. */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
