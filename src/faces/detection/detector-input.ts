import sharp from 'sharp';
import { RgbImage } from '../rgb-image.js';
import { DETECTOR_INPUT, DetectionFrame, detectorView } from './ultraface.js';

/** UltraFace normalises pixels as (value - 127) / 128: padding of 127 reads as zero. */
const PADDING = { r: 127, g: 127, b: 127 };

/**
 * The detector's 320x240 input for one frame: the frame stretched to it (libvips resizes far faster
 * than a JS loop), or, for a frame too wide or too tall for that, stretched to part of it and padded
 * (detectorView says which part).
 */
export async function detectorInput(image: RgbImage, frame: DetectionFrame): Promise<RgbImage> {
  const { width, height } = DETECTOR_INPUT;
  const view = detectorView(frame);
  const scaleX = width / view.width;
  const scaleY = height / view.height;
  const contentWidth = Math.min(width, Math.max(1, Math.round(frame.width * scaleX)));
  const contentHeight = Math.min(height, Math.max(1, Math.round(frame.height * scaleY)));
  let resized = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: frame.x, top: frame.y, width: frame.width, height: frame.height })
    .resize(contentWidth, contentHeight, { fit: 'fill', kernel: 'linear' });
  if (contentWidth < width || contentHeight < height) {
    const left = Math.round((frame.x - view.x) * scaleX);
    const top = Math.round((frame.y - view.y) * scaleY);
    resized = resized.extend({ left, top, right: width - contentWidth - left, bottom: height - contentHeight - top, background: PADDING });
  }
  return { data: await resized.raw().toBuffer(), width, height };
}
