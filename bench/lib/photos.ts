import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
// The test suite's composers, so that the bench measures the very photos the tests check.
import { type Box, faceGrid, lfwPortraits, samplePortraits } from '../../test/support/face-photos.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const lfwImagesDir = path.resolve(repoRoot, '../shared/data/lfw-dev/images');
export const hasLfw = existsSync(lfwImagesDir);

export function npmSample(index: number): Buffer {
  return readFileSync(path.join(repoRoot, 'node_modules/@vladmandic/face-api/demo', `sample${index}.jpg`));
}

/** LFW dev people sorted by name, each with their photo files sorted. */
export function lfwPeople(): { person: string; files: string[] }[] {
  return readdirSync(lfwImagesDir)
    .sort()
    .map((person) => ({ person, files: readdirSync(path.join(lfwImagesDir, person)).sort() }));
}

export function lfwPhoto(person: string, file: string): Buffer {
  return readFileSync(path.join(lfwImagesDir, person, file));
}

/** One face cut from a group photo, as a 250x250 JPEG like LFW's, for machines without ../shared. */
export async function portrait250(photo: Buffer, box: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  const side = Math.round(Math.max(box.width, box.height) * 2.2);
  const left = Math.max(0, Math.round(box.x + box.width / 2 - side / 2));
  const top = Math.max(0, Math.round(box.y + box.height / 2 - side / 2));
  const extract = { left, top, width: Math.min(side, width - left), height: Math.min(side, height - top) };
  return sharp(photo).extract(extract).resize(250, 250, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
}

/** A multipart/form-data body with one `image` part, prebuilt so the load tool only replays bytes. */
export function multipartImage(image: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----facematrix${image.length.toString(16)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, image, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A 1920x1280 photo of ten people in two rows of five, each face about 130 px (300 px portraits): LFW
 * people where ../shared is present, else the npm samples' faces (`detect` finds them), with the portraits.
 */
export async function tenFaceGroupPhoto(detect: (photo: Buffer) => Promise<Box[]>): Promise<{ photo: Buffer; portraits: Buffer[]; source: string }> {
  const lfw = lfwPortraits(10);
  const portraits = lfw ?? (await samplePortraits(10, detect));
  const photo = await faceGrid(portraits, { columns: 5, width: 1920, height: 1280, side: 300 });
  return { photo, portraits, source: lfw ? 'LFW' : 'npm samples' };
}
