import type { ImageFormat } from './image-format.js';

/**
 * Where an image's own data ends, by walking its structure: JPEG markers and entropy-coded
 * scans up to EOI, PNG chunks up to IEND, the RIFF length of WebP. Bytes after that end make a
 * polyglot (a JPEG that is also an HTML page or a ZIP): decoders ignore them, we refuse them.
 * Returns undefined when the structure cannot be walked (truncated, corrupt): the decoder decides.
 */
export function imageEndOffset(bytes: Buffer, format: ImageFormat): number | undefined {
  switch (format) {
    case 'jpeg':
      return jpegEnd(bytes);
    case 'png':
      return pngEnd(bytes);
    case 'webp':
      return bytes.length >= 8 ? Math.min(Number.MAX_SAFE_INTEGER, 8 + bytes.readUInt32LE(4) + (bytes.readUInt32LE(4) % 2)) : undefined;
  }
}

/** True when bytes after the image are only zero or 0xFF padding, which some encoders leave. */
export function onlyPaddingAfter(bytes: Buffer, end: number): boolean {
  for (let i = end; i < bytes.length; i++) if (bytes[i] !== 0x00 && bytes[i] !== 0xff) return false;
  return true;
}

/** Markers without a length field: TEM, RST0-7, SOI, EOI. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

function jpegEnd(bytes: Buffer): number | undefined {
  let i = 2; // after SOI
  while (i + 1 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return i + 2; // EOI
    if (standalone(marker)) {
      i += 2;
      continue;
    }
    if (i + 3 >= bytes.length) return undefined;
    i += 2 + bytes.readUInt16BE(i + 2);
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart.
      while (i + 1 < bytes.length && !(bytes[i] === 0xff && bytes[i + 1] !== 0x00 && !(bytes[i + 1] >= 0xd0 && bytes[i + 1] <= 0xd7))) i++;
    }
  }
  return undefined;
}

function pngEnd(bytes: Buffer): number | undefined {
  let i = 8; // after the signature
  while (i + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(i);
    const type = bytes.toString('latin1', i + 4, i + 8);
    i += 12 + length; // length, type, data, CRC
    if (type === 'IEND') return i <= bytes.length ? i : undefined;
  }
  return undefined;
}
