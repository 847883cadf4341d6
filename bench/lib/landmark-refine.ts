import { FacePipeline } from '../../src/faces/face-pipeline.js';
import type { Box, Point } from '../../src/common/geometry.js';
import { fivePointsFrom68, landmarkCropFor } from '../../src/faces/detection/landmarks.js';
import type { RgbImage } from '../../src/faces/rgb-image.js';

// `npm run bench:accuracy -- --landmark-refine`: an experiment that did not ship (docs/models.md,
// "Second landmark pass"), kept here so it can be rerun without living in the serving code.

/**
 * Where the 68 points sit, on average, in the crop the model is fed (landmarkCropFor): centroid at
 * (0.498, 0.597) of the side, RMS distance from the centroid 0.276 of the side. Measured on the 119
 * confident faces of ../shared/data/photos and the npm sample photos (not LFW).
 */
const TYPICAL_CENTROID = [0.4982, 0.5973] as const;
const TYPICAL_SPREAD = 0.2759;

/**
 * A second-pass crop that frames the face the way the model usually saw it: sized and placed from a
 * first pass's landmarks instead of the detector's box, which is looser or tighter from face to face.
 */
export function refinedLandmarkCrop(points: Point[], imageWidth: number, imageHeight: number): Box {
  const cx = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const cy = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const spread = Math.sqrt(points.reduce((sum, [x, y]) => sum + (x - cx) ** 2 + (y - cy) ** 2, 0) / points.length);
  const side = Math.min(spread / TYPICAL_SPREAD, imageWidth, imageHeight);
  const x = Math.min(Math.max(cx + 0.5 - TYPICAL_CENTROID[0] * side, 0), imageWidth - side);
  const y = Math.min(Math.max(cy + 0.5 - TYPICAL_CENTROID[1] * side, 0), imageHeight - side);
  return { x, y, width: side, height: side };
}

/** The shipped pipeline, but with the landmark model run a second time on the refined crop. */
export class RefinedLandmarksPipeline extends FacePipeline {
  protected override async locateLandmarks(image: RgbImage, box: Box): Promise<Point[]> {
    const firstPass = await this.landmarksInCrop(image, landmarkCropFor(box, image.width, image.height));
    return fivePointsFrom68(await this.landmarksInCrop(image, refinedLandmarkCrop(firstPass, image.width, image.height)));
  }
}
