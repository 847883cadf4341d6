// The numbers behind the accuracy plots: error rates over a threshold grid (DET) and score histograms.
// Pure functions on plain arrays, so they can be checked against hand-counted examples.

/**
 * Similarity scores of genuine attempts (same person) and impostor attempts (someone else).
 * A genuine attempt that can never be accepted (wrong top-1, no face found) scores -Infinity.
 */
export interface ScoreSet {
  readonly genuine: readonly number[];
  readonly impostor: readonly number[];
}

export interface DetPoint {
  readonly threshold: number;
  /** Share of genuine attempts below the threshold, 0..1. */
  readonly frr: number;
  /** Share of impostor attempts at or above the threshold, 0..1. */
  readonly far: number;
}

/** Accept when similarity >= threshold, as the API does. */
export function errorRates(scores: ScoreSet, threshold: number): DetPoint {
  const below = scores.genuine.filter((s) => s < threshold).length;
  const accepted = scores.impostor.filter((s) => s >= threshold).length;
  return { threshold, frr: below / scores.genuine.length, far: accepted / scores.impostor.length };
}

export function detCurve(scores: ScoreSet, thresholds: readonly number[]): DetPoint[] {
  return thresholds.map((t) => errorRates(scores, t));
}

/** The point of `grid` whose FAR is nearest `targetFar` (the lower threshold on a tie): a threshold chosen for a false-accept rate. */
export function pointNearestFar(scores: ScoreSet, targetFar: number, grid: readonly number[]): DetPoint {
  return detCurve(scores, grid).reduce((best, point) => (Math.abs(point.far - targetFar) < Math.abs(best.far - targetFar) ? point : best));
}

/** The threshold of `grid` with the most attempts decided right (genuine accepted, impostor refused), and that share. */
export function bestAccuracy(scores: ScoreSet, grid: readonly number[]): { threshold: number; accuracy: number } {
  const total = scores.genuine.length + scores.impostor.length;
  return grid
    .map((threshold) => {
      const { frr, far } = errorRates(scores, threshold);
      return { threshold, accuracy: (scores.genuine.length * (1 - frr) + scores.impostor.length * (1 - far)) / total };
    })
    .reduce((best, point) => (point.accuracy > best.accuracy ? point : best));
}

/** from, from + step, ... up to `to` inclusive, rounded so 0.1 + 0.2 prints as 0.3. */
export function thresholdGrid(from: number, to: number, step: number): number[] {
  const count = Math.round((to - from) / step) + 1;
  return Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(6)));
}

/** The 1:N protocol of lfw.ts as scores: a genuine probe whose top-1 is someone else is never a correct accept. */
export function oneToNScoreSet(result: {
  genuine: readonly { correctPerson: boolean; similarity: number }[];
  impostor: readonly number[];
}): ScoreSet {
  return {
    genuine: result.genuine.map((g) => (g.correctPerson ? g.similarity : -Infinity)),
    impostor: result.impostor,
  };
}

/** View-1 pairs as scores: matched pairs are genuine, mismatched pairs impostor. */
export function pairScoreSet(scored: readonly { same: boolean; similarity: number }[]): ScoreSet {
  return {
    genuine: scored.filter((p) => p.same).map((p) => p.similarity),
    impostor: scored.filter((p) => !p.same).map((p) => p.similarity),
  };
}

export interface HistogramBin {
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

/**
 * Counts per bin of width `step`, bins aligned on multiples of `step` and covering every value
 * (a value on a bin edge goes to the upper bin). Values must be finite.
 */
export function histogram(values: readonly number[], step: number): HistogramBin[] {
  if (values.some((v) => !Number.isFinite(v))) throw new Error('histogram: values must be finite');
  if (values.length === 0) return [];
  // The small epsilon keeps 0.3 / 0.1 = 2.9999999999999996 in bin 3.
  const index = (v: number) => Math.floor(v / step + 1e-9);
  const first = index(values.reduce((a, b) => Math.min(a, b)));
  const last = index(values.reduce((a, b) => Math.max(a, b)));
  const counts = new Array<number>(last - first + 1).fill(0);
  for (const v of values) counts[index(v) - first]++;
  const edge = (i: number) => Number(((first + i) * step).toFixed(6));
  return counts.map((count, i) => ({ start: edge(i), end: edge(i + 1), count }));
}
