import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Embeddings on disk so that reruns of bench:accuracy take seconds. Under .model-cache/ (gitignored):
 * face vectors are biometric data and never belong in the repository.
 * Layout: 4-byte header length, JSON header { dimension, ids, present }, then the vectors.
 */
export function loadEmbeddingCache(path: string): Map<string, Float32Array | null> {
  const cache = new Map<string, Float32Array | null>();
  if (!existsSync(path)) return cache;
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as { dimension: number; ids: string[]; present: boolean[] };
  const vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 4 + headerLength, bytes.byteOffset + bytes.length));
  let offset = 0;
  header.ids.forEach((id, index) => {
    if (header.present[index]) {
      cache.set(id, vectors.slice(offset, offset + header.dimension));
      offset += header.dimension;
    } else {
      cache.set(id, null);
    }
  });
  return cache;
}

export function saveEmbeddingCache(path: string, cache: Map<string, Float32Array | null>, dimension: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const ids = [...cache.keys()];
  const present = ids.map((id) => cache.get(id) != null);
  const header = Buffer.from(JSON.stringify({ dimension, ids, present }), 'utf8');
  const vectors = new Float32Array(present.filter(Boolean).length * dimension);
  let offset = 0;
  for (const id of ids) {
    const vector = cache.get(id);
    if (vector) {
      vectors.set(vector, offset);
      offset += dimension;
    }
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  writeFileSync(path, Buffer.concat([length, header, Buffer.from(vectors.buffer)]));
}
