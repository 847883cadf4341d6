import { byPerson } from './real-embeddings.js';
import { perturb, randomUnitVector } from './vectors.js';

export interface ScaleDataset {
  readonly description: string;
  /** The i-th stored face, for i in [0, faceCount); deterministic for a given seed. */
  face(index: number): Float32Array;
  /** Query vectors; recall is measured against exact search over the stored faces. */
  readonly probes: Float32Array[];
}

/** Share of the database that resembles real faces; the rest are random unit vectors. */
const LOOKALIKE_SHARE = 0.5;
/**
 * Lookalikes sit at cosine 0.4-0.9 from a real photo's embedding: from "another person who looks
 * alike" (impostor pairs reach ~0.45 on LFW) to "another photo of the same person". They crowd the
 * neighbourhoods that real probes fall into, which is what makes HNSW miss.
 */
const LOOKALIKE_SIMILARITY = [0.4, 0.9] as const;

/**
 * Real-looking: the first LFW dev photo of every person as the enrolled face, lookalikes of all
 * non-probe photos, random vectors for the rest. Probes are real embeddings of a second photo of
 * an enrolled person, never stored themselves.
 */
export function realLookingDataset(real: Map<string, Float32Array>, faceCount: number, probeCount: number, random: () => number): ScaleDataset {
  const dimension = real.values().next().value?.length ?? 0;
  const people = [...byPerson(real.keys()).values()];
  const gallery = people.map((ids) => real.get(ids[0])!);
  const withSecond = people.filter((ids) => ids.length >= 2);
  const step = Math.max(1, Math.floor(withSecond.length / probeCount));
  const probeIds = new Set(
    withSecond
      .filter((_, i) => i % step === 0)
      .slice(0, probeCount)
      .map((ids) => ids[1]),
  );
  const bases = [...real.keys()].filter((id) => !probeIds.has(id)).map((id) => real.get(id)!);
  const galleryCount = Math.min(gallery.length, faceCount);
  const lookalikeCount = Math.min(faceCount - galleryCount, Math.round(faceCount * LOOKALIKE_SHARE));
  const [low, high] = LOOKALIKE_SIMILARITY;
  return {
    description:
      `${galleryCount} real LFW dev embeddings (first photo per person), ${lookalikeCount} lookalikes (cosine ${low}-${high} from a real photo), ` +
      `${faceCount - galleryCount - lookalikeCount} random unit vectors; probes: real embeddings of a second photo of enrolled people`,
    face: (index) => {
      if (index < galleryCount) return gallery[index];
      if (index < galleryCount + lookalikeCount) return perturb(bases[index % bases.length], low + (high - low) * random(), random);
      return randomUnitVector(random, dimension);
    },
    probes: [...probeIds].map((id) => real.get(id)!),
  };
}

/** Without the bench:accuracy cache: random unit vectors, probes are stored faces moved to `probeSimilarity`. */
export function syntheticDataset(
  faceCount: number,
  probeCount: number,
  probeSimilarity: number,
  random: () => number,
  dimension: number,
): ScaleDataset {
  const stored: Float32Array[] = [];
  return {
    description: `${faceCount} random unit vectors; probes: stored faces moved to cosine ${probeSimilarity}`,
    face: () => {
      const vector = randomUnitVector(random, dimension);
      if (stored.length < probeCount * 20) stored.push(vector);
      return vector;
    },
    // Filled lazily: the stored vectors exist only once the fill has run.
    get probes() {
      return Array.from({ length: probeCount }, (_, i) => perturb(stored[(i * 7) % stored.length], probeSimilarity, random));
    },
  };
}
