import { averageWithMirrored, decodeLandmarks, MIRRORED_LANDMARK, mirrorGrey } from './landmarks.js';

describe('landmark mirroring', () => {
  it('pairs every iBUG-68 point with its mirror, and the pairing undoes itself', () => {
    expect(MIRRORED_LANDMARK).toHaveLength(68);
    MIRRORED_LANDMARK.forEach((j, i) => expect(MIRRORED_LANDMARK[j]).toBe(i));
    // Eye corners, mouth corners and the nose tip, the points alignment uses.
    expect([MIRRORED_LANDMARK[36], MIRRORED_LANDMARK[39], MIRRORED_LANDMARK[48], MIRRORED_LANDMARK[60], MIRRORED_LANDMARK[30]]).toEqual([
      45, 42, 54, 64, 30,
    ]);
  });

  it("maps the mirrored crop's output back, so a perfect model gives back the same points", () => {
    const output = Float32Array.from({ length: 136 }, (_, k) => 0.1 + ((k * 37) % 80) / 100);
    const mirroredOutput = new Float32Array(136);
    MIRRORED_LANDMARK.forEach((j, i) => {
      mirroredOutput[j * 2] = 1 - output[i * 2];
      mirroredOutput[j * 2 + 1] = output[i * 2 + 1];
    });
    const averaged = averageWithMirrored(output, mirroredOutput);
    averaged.forEach((value, k) => expect(value).toBeCloseTo(output[k], 6));
  });

  it('mirrors a grey crop left to right', () => {
    expect([...mirrorGrey(Float32Array.from([1, 2, 3, 4]), 2)]).toEqual([2, 1, 4, 3]);
  });

  it('decodes normalised outputs into image pixels of the crop', () => {
    const points = decodeLandmarks(new Float32Array(136).fill(0.5), { x: 100, y: 50, width: 64, height: 64 });
    expect(points[0]).toEqual([131.5, 81.5]);
  });
});
