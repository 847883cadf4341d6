import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEmbeddingCache } from './embedding-cache.js';
import { normalise } from './vectors.js';

const cacheDir = fileURLToPath(new URL('../../.model-cache/bench', import.meta.url));

/**
 * The shipped (flip-averaged) embeddings of the LFW dev photos, from the newest cache that
 * `npm run bench:accuracy` wrote: image id -> unit vector. Empty when that cache is absent.
 * The shipped embedding is the normalised mean of the face's and its mirror's unit embeddings.
 */
export function loadRealEmbeddings(): Map<string, Float32Array> {
  const embeddings = new Map<string, Float32Array>();
  if (!existsSync(cacheDir)) return embeddings;
  const newest = readdirSync(cacheDir)
    .filter((name) => /^bgr-plain-\w+\.bin$/.test(name) && existsSync(join(cacheDir, name.replace('plain', 'mirror'))))
    .sort((a, b) => statSync(join(cacheDir, b)).mtimeMs - statSync(join(cacheDir, a)).mtimeMs)[0];
  if (!newest) return embeddings;
  const plain = loadEmbeddingCache(join(cacheDir, newest));
  const mirrored = loadEmbeddingCache(join(cacheDir, newest.replace('plain', 'mirror')));
  for (const [id, vector] of plain) {
    const other = mirrored.get(id);
    if (!vector || !other) continue;
    embeddings.set(id, normalise(vector.map((value, i) => value + other[i])));
  }
  return embeddings;
}

/** Image ids grouped by person (ids look like `Person_Name/Person_Name_0001`), photos in order. */
export function byPerson(ids: Iterable<string>): Map<string, string[]> {
  const people = new Map<string, string[]>();
  for (const id of [...ids].sort()) {
    const person = id.slice(0, id.indexOf('/'));
    people.set(person, [...(people.get(person) ?? []), id]);
  }
  return people;
}
