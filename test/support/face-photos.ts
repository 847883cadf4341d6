import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../../src/common/paths.js';

/** Group photos that ship with the npm package @vladmandic/face-api, so tests run on a fresh clone. */
export function npmSamplePhoto(index: number): Buffer {
  return readFileSync(path.join(projectRoot(), 'node_modules/@vladmandic/face-api/demo', `sample${index}.jpg`));
}

/** ../shared/data beside the checkout, or undefined (then tests that need it skip, saying why). */
export function sharedDataDir(): string | undefined {
  const directory = path.resolve(projectRoot(), '..', 'shared', 'data');
  return existsSync(directory) ? directory : undefined;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A portrait cut around one face, with a margin, as a new JPEG: one person per photo. */
export async function cropPortrait(photo: Buffer, box: Box, margin = 0.6): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  const left = Math.max(0, Math.round(box.x - box.width * margin));
  const top = Math.max(0, Math.round(box.y - box.height * margin));
  const right = Math.min(width, Math.round(box.x + box.width * (1 + margin)));
  const bottom = Math.min(height, Math.round(box.y + box.height * (1 + margin)));
  return sharp(photo).extract({ left, top, width: right - left, height: bottom - top }).jpeg({ quality: 92 }).toBuffer();
}

/** The same photo as a client might resend it: mirrored, scaled down and re-encoded. */
export async function transformedCopy(photo: Buffer): Promise<Buffer> {
  const { width = 0 } = await sharp(photo).metadata();
  return sharp(photo).flop().resize({ width: Math.round(width * 0.7) }).jpeg({ quality: 80 }).toBuffer();
}

/** A real image with no face in it. */
export function blankImage(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } } }).png().toBuffer();
}
