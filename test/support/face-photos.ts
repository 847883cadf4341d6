import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  return sharp(photo)
    .extract({ left, top, width: right - left, height: bottom - top })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** The same photo as a client might resend it: mirrored, scaled down and re-encoded. */
export async function transformedCopy(photo: Buffer): Promise<Buffer> {
  const { width = 0 } = await sharp(photo).metadata();
  return sharp(photo)
    .flop()
    .resize({ width: Math.round(width * 0.7) })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A real image with no face in it. */
export function blankImage(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } } })
    .png()
    .toBuffer();
}

/** The first photo of `count` different LFW people (spread over the alphabet), or undefined without ../shared/data. */
export function lfwPortraits(count: number, offset = 0): Buffer[] | undefined {
  const dataDir = sharedDataDir();
  const imagesDir = dataDir && path.join(dataDir, 'lfw-dev', 'images');
  if (!imagesDir || !existsSync(imagesDir)) return undefined;
  const people = readdirSync(imagesDir).sort();
  return Array.from({ length: count }, (_, i) => {
    const person = people[(offset + i * 97) % people.length];
    const [first] = readdirSync(path.join(imagesDir, person)).sort();
    return readFileSync(path.join(imagesDir, person, first));
  });
}

/**
 * LFW-like portraits (a face about 130 px tall in a 300 px square) of the faces of the npm sample
 * photos, one person each, for machines without ../shared/data; `detect` finds the face boxes
 * (the pipeline or the /detect route).
 */
export async function samplePortraits(count: number, detect: (photo: Buffer) => Promise<Box[]>): Promise<Buffer[]> {
  const portraits: Buffer[] = [];
  for (let sample = 1; sample <= 6 && portraits.length < count; sample++) {
    const photo = npmSamplePhoto(sample);
    for (const box of await detect(photo)) {
      if (portraits.length === count) break;
      const side = Math.round(Math.max(box.width, box.height) * 2.3);
      const left = Math.round(box.x + box.width / 2 - side / 2);
      const top = Math.round(box.y + box.height / 2 - side / 2);
      // Beyond the photo's edge the square is white, as around the LFW strips.
      const framed = await sharp(photo).extend({ top: side, bottom: side, left: side, right: side, background: '#ffffff' }).toBuffer();
      const square = await sharp(framed)
        .extract({ left: left + side, top: top + side, width: side, height: side })
        .toBuffer();
      portraits.push(await sharp(square).resize(300, 300).jpeg({ quality: 92 }).toBuffer());
    }
  }
  if (portraits.length < count) throw new Error(`The npm samples hold ${portraits.length} faces, ${count} were asked for`);
  return portraits;
}

/**
 * Portraits side by side on a white strip, each resized to `side` px square, `gap` px apart and from
 * the ends, 40 px from the long edges: five 300 px faces 40 px apart make the 1740x380 (4.6:1) row.
 * A column stacks them instead (380x1740).
 */
export async function faceStrip(portraits: Buffer[], options: { side?: number; gap?: number; column?: boolean } = {}): Promise<Buffer> {
  const { side = 300, gap = 40, column = false } = options;
  const length = portraits.length * side + (portraits.length + 1) * gap;
  const composites = await Promise.all(
    portraits.map(async (portrait, i) => {
      const along = gap + i * (side + gap);
      return { input: await sharp(portrait).resize(side, side).toBuffer(), left: column ? 40 : along, top: column ? along : 40 };
    }),
  );
  const [width, height] = column ? [side + 80, length] : [length, side + 80];
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** Portraits in a grid of `columns`, each `side` px square, centred in cells of a width x height canvas: a group photo. */
export async function faceGrid(portraits: Buffer[], options: { columns: number; width: number; height: number; side: number }): Promise<Buffer> {
  const { columns, width, height, side } = options;
  const rows = Math.ceil(portraits.length / columns);
  const cellWidth = width / columns;
  const cellHeight = height / rows;
  const composites = await Promise.all(
    portraits.map(async (portrait, i) => ({
      input: await sharp(portrait).resize(side, side).toBuffer(),
      left: Math.round((i % columns) * cellWidth + (cellWidth - side) / 2),
      top: Math.round(Math.floor(i / columns) * cellHeight + (cellHeight - side) / 2),
    })),
  );
  return sharp({ create: { width, height, channels: 3, background: '#d8d4cc' } })
    .composite(composites)
    .jpeg({ quality: 90 })
    .toBuffer();
}
