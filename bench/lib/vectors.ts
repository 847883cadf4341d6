/** Seeded xorshift32 in [0, 1): benchmarks must be rerunnable with the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

/** Standard normal from two uniforms (Box-Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

export function randomUnitVector(random: () => number, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) vector[i] = gaussian(random);
  return normalise(vector);
}

/** `base` moved by isotropic noise so that its cosine similarity to `base` is about `similarity`. */
export function perturb(base: Float32Array, similarity: number, random: () => number): Float32Array {
  const noise = randomUnitVector(random, base.length);
  const weight = Math.sqrt(1 / (similarity * similarity) - 1);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i] + weight * noise[i];
  return normalise(out);
}
