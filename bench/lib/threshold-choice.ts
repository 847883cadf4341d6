import type { Embeddings } from './lfw.js';

export interface PairScore {
  readonly same: boolean;
  readonly similarity: number;
}

/** 1:1 error rates on labelled pairs: a matched pair below `t` is a false reject, a mismatched one at or above it a false accept. */
export function pairErrorRates(pairs: readonly PairScore[], t: number): { frr: number; far: number } {
  const matched = pairs.filter((p) => p.same);
  const mismatched = pairs.filter((p) => !p.same);
  return {
    frr: matched.filter((p) => p.similarity < t).length / matched.length,
    far: mismatched.filter((p) => p.similarity >= t).length / mismatched.length,
  };
}

/**
 * Replays enrolling every person once, in order, by their first usable image: for each, the best
 * similarity with anyone enrolled before. A duplicate threshold at or below that score would refuse
 * this person as "already enrolled as someone else". Returns one score per person (in order; people
 * without a usable image are left out).
 */
export function enrollmentReplayScores(people: ReadonlyMap<string, readonly string[]>, embeddings: Embeddings): number[] {
  const enrolled: Float32Array[] = [];
  const scores: number[] = [];
  for (const ids of people.values()) {
    const face = ids.map((id) => embeddings.get(id)).find((embedding): embedding is Float32Array => embedding != null);
    if (!face) continue;
    let best = -1;
    for (const other of enrolled) {
      let dot = 0;
      for (let i = 0; i < face.length; i++) dot += face[i] * other[i];
      if (dot > best) best = dot;
    }
    scores.push(best);
    enrolled.push(face);
  }
  return scores;
}
