import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One LFW image by person and 1-based number, as pairs files name them. */
export const imageId = (person: string, number: number) => `${person}/${person}_${String(number).padStart(4, '0')}`;

export interface LfwPair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
}

/** pairsDevTrain.txt: a count line, then "name n1 n2" (matched) or "name1 n1 name2 n2" (mismatched). */
export function readPairs(path: string): LfwPair[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 3);
  return lines.map((f) =>
    f.length === 3
      ? { a: imageId(f[0], Number(f[1])), b: imageId(f[0], Number(f[2])), same: true }
      : { a: imageId(f[0], Number(f[1])), b: imageId(f[2], Number(f[3])), same: false },
  );
}

/** Every person under images/ with their image ids in number order. */
export function listPeople(imagesDir: string): Map<string, string[]> {
  const people = new Map<string, string[]>();
  for (const person of readdirSync(imagesDir).sort()) {
    const ids = readdirSync(join(imagesDir, person))
      .filter((file) => file.endsWith('.jpg'))
      .sort()
      .map((file) => `${person}/${file.replace(/\.jpg$/, '')}`);
    if (ids.length > 0) people.set(person, ids);
  }
  return people;
}

export type Embeddings = ReadonlyMap<string, Float32Array | null>;

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Cosine similarity of each pair; a pair with an undetected face scores -1 (counts as a failure on matched pairs). */
export function pairSimilarities(pairs: LfwPair[], embeddings: Embeddings): { same: boolean; similarity: number }[] {
  return pairs.map((pair) => {
    const a = embeddings.get(pair.a);
    const b = embeddings.get(pair.b);
    return { same: pair.same, similarity: a && b ? dot(a, b) : -1 };
  });
}

export function pairAccuracy(scored: { same: boolean; similarity: number }[], threshold: number): number {
  const correct = scored.filter((p) => p.similarity >= threshold === p.same).length;
  return correct / scored.length;
}

interface Top1 {
  readonly person: string | undefined;
  readonly similarity: number;
}

function top1(probe: Float32Array, gallery: { person: string; embedding: Float32Array }[]): Top1 {
  let best: Top1 = { person: undefined, similarity: -Infinity };
  for (const entry of gallery) {
    const similarity = dot(probe, entry.embedding);
    if (similarity > best.similarity) best = { person: entry.person, similarity };
  }
  return best;
}

/**
 * The old system's 1:N protocol. FRR: gallery = every person's first image; probe = the second image
 * of each person with 2+; a miss is a wrong top-1 or one below threshold (an undetected probe misses).
 * FAR: people by name, first half enrolled by first image, every image of the second half probes;
 * a false accept is a top-1 at or above threshold.
 */
export function oneToNScores(people: Map<string, string[]>, embeddings: Embeddings) {
  const first = (ids: string[]) => embeddings.get(ids[0]) ?? null;
  const gallery = [...people].flatMap(([person, ids]) => {
    const embedding = first(ids);
    return embedding ? [{ person, embedding }] : [];
  });
  const genuine = [...people]
    .filter(([, ids]) => ids.length >= 2)
    .map(([person, ids]) => {
      const probe = embeddings.get(ids[1]);
      if (!probe) return { correctPerson: false, similarity: -Infinity };
      const best = top1(probe, gallery);
      return { correctPerson: best.person === person, similarity: best.similarity };
    });
  const names = [...people.keys()];
  const half = Math.floor(names.length / 2);
  const enrolled = names.slice(0, half).flatMap((person) => {
    const embedding = first(people.get(person)!);
    return embedding ? [{ person, embedding }] : [];
  });
  const impostor = names
    .slice(half)
    .flatMap((person) => people.get(person)!)
    .map((id) => embeddings.get(id))
    .filter((probe): probe is Float32Array => probe != null)
    .map((probe) => top1(probe, enrolled).similarity);
  return {
    genuine,
    impostor,
    frr: (t: number) => genuine.filter((g) => !g.correctPerson || g.similarity < t).length / genuine.length,
    far: (t: number) => impostor.filter((s) => s >= t).length / impostor.length,
  };
}
