import { bestAccuracy, detCurve, errorRates, histogram, oneToNScoreSet, pairScoreSet, pointNearestFar, ScoreSet, thresholdGrid } from './det.js';

// Hand-counted: genuine 0.9, 0.7, 0.5 and one that can never be accepted; five impostors.
const scores: ScoreSet = { genuine: [0.9, 0.7, 0.5, -Infinity], impostor: [0.1, 0.4, 0.5, 0.6, 0.2] };

describe('DET points', () => {
  it.each([
    // threshold, FRR (genuine below), FAR (impostors at or above)
    [0.3, 1 / 4, 3 / 5],
    [0.5, 1 / 4, 2 / 5], // 0.5 itself is accepted on both sides
    [0.55, 2 / 4, 1 / 5],
    [0.65, 2 / 4, 0],
    [0.8, 3 / 4, 0],
    [0.95, 4 / 4, 0],
  ])('at %d: FRR %d, FAR %d', (threshold, frr, far) => {
    expect(errorRates(scores, threshold)).toEqual({ threshold, frr, far });
  });

  it('picks the threshold whose FAR is nearest a target, and the one deciding most attempts right', () => {
    const grid = [0.3, 0.5, 0.55, 0.65, 0.8];
    expect(pointNearestFar(scores, 0.25, grid)).toEqual({ threshold: 0.55, frr: 2 / 4, far: 1 / 5 });
    expect(pointNearestFar(scores, 0, grid).threshold).toBe(0.65); // the lowest of the thresholds at FAR 0
    // 0.5: 3 genuine accepted + 3 impostors refused; 0.65: 2 + 5 = 7 of 9.
    expect(bestAccuracy(scores, grid)).toEqual({ threshold: 0.65, accuracy: 7 / 9 });
  });

  it('detCurve gives one point per threshold, in order', () => {
    expect(detCurve(scores, [0.3, 0.8]).map((p) => [p.threshold, p.frr, p.far])).toEqual([
      [0.3, 0.25, 0.6],
      [0.8, 0.75, 0],
    ]);
  });

  it('FRR never falls and FAR never rises as the threshold goes up', () => {
    // Scores spread over [-1, 1) by the golden-ratio sequence: irregular, yet the same on every run.
    const spread = (count: number, offset: number) => Array.from({ length: count }, (_, i) => (((i + offset) * 0.6180339887) % 1) * 2 - 1);
    const many: ScoreSet = { genuine: spread(500, 0), impostor: spread(900, 500) };
    const points = detCurve(many, thresholdGrid(-1, 1, 0.005));
    for (let i = 1; i < points.length; i++) {
      expect(points[i].frr).toBeGreaterThanOrEqual(points[i - 1].frr);
      expect(points[i].far).toBeLessThanOrEqual(points[i - 1].far);
    }
    expect(points[0]).toMatchObject({ frr: 0, far: 1 });
    expect(points.at(-1)!.frr).toBeGreaterThan(0.99);
  });

  it('a 1:N genuine probe whose top-1 is someone else is a reject at any threshold', () => {
    const set = oneToNScoreSet({
      genuine: [
        { correctPerson: true, similarity: 0.9 },
        { correctPerson: false, similarity: 0.95 },
      ],
      impostor: [0.3],
    });
    expect(set.genuine).toEqual([0.9, -Infinity]);
    expect(errorRates(set, 0).frr).toBe(0.5);
  });

  it('View-1 pairs split into matched (genuine) and mismatched (impostor)', () => {
    const set = pairScoreSet([
      { same: true, similarity: 0.8 },
      { same: false, similarity: 0.1 },
      { same: true, similarity: 0.4 },
    ]);
    expect(set).toEqual({ genuine: [0.8, 0.4], impostor: [0.1] });
  });
});

describe('thresholdGrid', () => {
  it('hits round values exactly, both ends included', () => {
    const grid = thresholdGrid(0.3, 0.7, 0.005);
    expect(grid).toHaveLength(81);
    expect(grid[0]).toBe(0.3);
    expect(grid.at(-1)).toBe(0.7);
    expect(grid).toContain(0.48);
  });
});

describe('histogram', () => {
  it('counts each value once, in bins aligned on the step', () => {
    const bins = histogram([0.3, 0.31, 0.35, 0.4, -0.05], 0.1);
    expect(bins.map((b) => [b.start, b.end, b.count])).toEqual([
      [-0.1, 0, 1],
      [0, 0.1, 0],
      [0.1, 0.2, 0],
      [0.2, 0.3, 0],
      [0.3, 0.4, 3], // 0.3 / 0.1 is 2.999... in floating point: still the bin starting at 0.3
      [0.4, 0.5, 1],
    ]);
  });

  it('bin counts sum to the number of samples', () => {
    const values = Array.from({ length: 1234 }, (_, i) => Math.sin(i) * 0.7);
    expect(histogram(values, 0.02).reduce((sum, b) => sum + b.count, 0)).toBe(1234);
  });

  it('refuses values that fit no bin', () => {
    expect(() => histogram([0.2, -Infinity], 0.1)).toThrow(/finite/);
    expect(histogram([], 0.1)).toEqual([]);
  });
});
