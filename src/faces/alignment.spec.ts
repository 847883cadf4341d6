import { alignFace, applySimilarity, ARCFACE_TEMPLATE, estimateSimilarity, invertSimilarity } from './alignment.js';
import type { Point } from '../common/geometry.js';
import { RgbImage } from './rgb-image.js';

describe('estimateSimilarity', () => {
  it('recovers a known rotation, scale and translation exactly from 5 points', () => {
    const angle = 0.3;
    const scale = 1.7;
    const truth = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx: 12.5, ty: -40 };
    const from: Point[] = [
      [10, 20],
      [60, 22],
      [35, 50],
      [15, 75],
      [58, 77],
    ];
    const to = from.map((p) => applySimilarity(truth, p));
    const estimated = estimateSimilarity(from, to);
    expect(estimated.a).toBeCloseTo(truth.a, 9);
    expect(estimated.b).toBeCloseTo(truth.b, 9);
    expect(estimated.tx).toBeCloseTo(truth.tx, 9);
    expect(estimated.ty).toBeCloseTo(truth.ty, 9);
  });

  it('gives the least-squares fit when the points are noisy, and inverts cleanly', () => {
    const noisy: Point[] = ARCFACE_TEMPLATE.map(([x, y], i) => [2 * x + 5 + (i % 2 ? 0.8 : -0.8), 2 * y - 3 + (i % 3 ? 0.5 : -0.5)]);
    const fit = estimateSimilarity(noisy, ARCFACE_TEMPLATE);
    expect(Math.hypot(fit.a, fit.b)).toBeCloseTo(0.5, 2);
    expect(Math.abs(fit.b)).toBeLessThan(0.01);
    const roundTrip = applySimilarity(invertSimilarity(fit), applySimilarity(fit, [100, 50]));
    expect(roundTrip[0]).toBeCloseTo(100, 9);
    expect(roundTrip[1]).toBeCloseTo(50, 9);
  });

  it('rejects degenerate input', () => {
    expect(() =>
      estimateSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(/Degenerate/);
  });
});

describe('alignFace', () => {
  it('moves each landmark onto its template point', () => {
    // A 300x300 image, black except for bright 3x3 dots at face landmarks that are rotated and scaled.
    const width = 300;
    const data = new Uint8Array(width * width * 3);
    const placement = { a: 2 * Math.cos(0.4), b: 2 * Math.sin(0.4), tx: 60, ty: 20 };
    const landmarks = ARCFACE_TEMPLATE.map((p) => applySimilarity(placement, p));
    for (const [x, y] of landmarks) {
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++)
          data.fill(255, ((Math.round(y) + dy) * width + Math.round(x) + dx) * 3, ((Math.round(y) + dy) * width + Math.round(x) + dx) * 3 + 3);
    }
    const image: RgbImage = { data, width, height: width };
    const aligned = alignFace(image, landmarks);
    expect([aligned.width, aligned.height]).toEqual([112, 112]);
    for (const [x, y] of ARCFACE_TEMPLATE) {
      expect(aligned.data[(Math.round(y) * 112 + Math.round(x)) * 3]).toBeGreaterThan(150);
    }
    expect(aligned.data[(10 * 112 + 10) * 3]).toBe(0);
  });
});
