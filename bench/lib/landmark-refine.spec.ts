import type { Point } from '../../src/common/geometry.js';
import { refinedLandmarkCrop } from './landmark-refine.js';

describe('refinedLandmarkCrop', () => {
  // 68 points on a circle whose centre and RMS radius are those of a typical face in its crop.
  const typicalFace = (crop: { x: number; y: number; side: number }): Point[] =>
    Array.from({ length: 68 }, (_, i) => {
      const angle = (i / 68) * 2 * Math.PI;
      return [crop.x + (0.4982 + 0.2759 * Math.cos(angle)) * crop.side - 0.5, crop.y + (0.5973 + 0.2759 * Math.sin(angle)) * crop.side - 0.5];
    });

  it('gives back the crop in which the points sit as they typically do', () => {
    const crop = refinedLandmarkCrop(typicalFace({ x: 100, y: 50, side: 200 }), 1000, 1000);
    expect(crop.x).toBeCloseTo(100, 6);
    expect(crop.y).toBeCloseTo(50, 6);
    expect(crop.width).toBeCloseTo(200, 6);
    expect(crop.height).toBeCloseTo(200, 6);
  });

  it('moves the crop back inside the image', () => {
    const crop = refinedLandmarkCrop(typicalFace({ x: -30, y: 900, side: 200 }), 1000, 1000);
    expect([crop.x, crop.y + crop.height]).toEqual([0, 1000]);
  });
});
