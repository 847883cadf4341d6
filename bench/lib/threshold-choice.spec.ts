import { enrollmentReplayScores, pairErrorRates } from './threshold-choice.js';

const unit = (...values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values.map((v) => v / norm));
};

describe('threshold choice', () => {
  it('counts 1:1 errors on each side of the threshold', () => {
    const pairs = [
      { same: true, similarity: 0.9 },
      { same: true, similarity: 0.2 },
      { same: false, similarity: 0.35 },
      { same: false, similarity: 0.1 },
    ];
    expect(pairErrorRates(pairs, 0.3)).toEqual({ frr: 0.5, far: 0.5 });
    expect(pairErrorRates(pairs, 0.4)).toEqual({ frr: 0.5, far: 0 });
    expect(pairErrorRates(pairs, 0.1)).toEqual({ frr: 0, far: 1 });
  });

  it('replays enrollment in order, scoring each person against those enrolled before', () => {
    const embeddings = new Map<string, Float32Array | null>([
      ['a/1', unit(1, 0, 0)],
      ['b/1', null],
      ['b/2', unit(0.8, 0.6, 0)],
      ['c/1', unit(0, 0, 1)],
      ['d/1', null],
    ]);
    const people = new Map([
      ['a', ['a/1']],
      ['b', ['b/1', 'b/2']],
      ['c', ['c/1']],
      ['d', ['d/1']],
    ]);
    const scores = enrollmentReplayScores(people, embeddings);
    expect(scores).toHaveLength(3); // d has no usable image
    expect(scores[0]).toBe(-1); // the first person meets an empty gallery
    expect(scores[1]).toBeCloseTo(0.8, 6); // b's second image, against a
    expect(scores[2]).toBeCloseTo(0, 6);
  });
});
