import sharp from 'sharp';
import { ApiError } from '../common/api-error.js';
import { imageEndOffset, onlyPaddingAfter } from './image-end.js';
import { sniffImageFormat } from './image-format.js';
import { RgbImage } from './rgb-image.js';

/** Decompression-bomb guard: about a 48 MP photo; larger inputs are refused before decoding. */
export const MAX_INPUT_PIXELS = 50_000_000;

/**
 * Longest side kept for cropping and alignment. A face needs at most a few hundred pixels, so
 * bigger photos are shrunk on load (JPEG DCT scaling), which bounds memory and decode time.
 */
export const WORKING_MAX_SIDE = 2048;

export interface DecodedImage {
  /** Upright RGB pixels, at most WORKING_MAX_SIDE on the longest side. */
  readonly image: RgbImage;
  /** Size of the upright original; API coordinates refer to it. */
  readonly originalWidth: number;
  readonly originalHeight: number;
  /** Original pixels per working pixel (>= 1). */
  readonly scale: number;
}

/** Decodes JPEG/PNG/WebP, applies EXIF orientation, flattens alpha; bad input becomes an ApiError. */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage> {
  const format = sniffImageFormat(bytes);
  if (format === undefined) throw ApiError.unsupportedImage();
  const end = imageEndOffset(bytes, format);
  if (end !== undefined && !onlyPaddingAfter(bytes, end))
    throw ApiError.unsupportedImage('Image has data after its end (polyglot files are refused)');
  try {
    const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
    const metadata = await sharp(bytes, options).metadata();
    const swapsAxes = (metadata.orientation ?? 1) >= 5;
    const originalWidth = swapsAxes ? metadata.height : metadata.width;
    const originalHeight = swapsAxes ? metadata.width : metadata.height;
    if (!originalWidth || !originalHeight) throw ApiError.unsupportedImage('Image could not be decoded');
    const { data, info } = await sharp(bytes, options)
      .rotate()
      .resize({ width: WORKING_MAX_SIDE, height: WORKING_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#808080' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw ApiError.imageUnusable(`Unexpected ${info.channels}-channel image`);
    return {
      image: { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height },
      originalWidth,
      originalHeight,
      scale: originalWidth / info.width,
    };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof Error && /pixel limit/i.test(error.message)) throw ApiError.tooManyPixels(MAX_INPUT_PIXELS);
    // libvips reports corrupt or truncated data in many words; none of them is a server fault.
    throw ApiError.unsupportedImage('Image could not be decoded');
  }
}
