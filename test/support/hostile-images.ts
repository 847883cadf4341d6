import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

/** A PNG chunk: length, type, data, CRC over type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG whose header claims width x height (8-bit, colour type), with `rows` of zero pixels as data. */
export function pngClaiming(width: number, height: number, options: { colourType?: 0 | 2; rows?: number } = {}): Buffer {
  const colourType = options.colourType ?? 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(colourType, 9);
  const rowBytes = 1 + width * (colourType === 2 ? 3 : 1); // filter byte + pixels
  const raw = Buffer.alloc(rowBytes * (options.rows ?? 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real, complete decompression bomb: every row present, all zeros, a few hundred KB on the wire. */
export function zeroPngBomb(side: number): Buffer {
  return pngClaiming(side, side, { colourType: 0, rows: side });
}

/** A small real JPEG whose SOF header is rewritten to claim width x height. */
export async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
    .jpeg()
    .toBuffer();
  for (let i = 2; i + 9 < jpeg.length;) {
    const marker = jpeg[i + 1];
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, i + 5);
      jpeg.writeUInt16BE(width, i + 7);
      return jpeg;
    }
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker');
}

export const gif = () =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: '#c00' } })
    .gif()
    .toBuffer();
export const tiff = () =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: '#0c0' } })
    .tiff()
    .toBuffer();
export const svg = () =>
  Buffer.from(
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script><circle r="20" cx="32" cy="32"/></svg>',
  );
