import { decodeOnetLandmarks, ONET_INPUT_SIZE, onetInput, refinedOnetCrop, regressBox, squareBox } from './onet.js';

describe('O-Net pre- and post-processing', () => {
  it('squares a box around the same centre, on its longer side', () => {
    expect(squareBox({ x: 88, y: 56, width: 81, height: 136 })).toEqual({ x: 60.5, y: 56, width: 136, height: 136 });
    expect(squareBox({ x: 10, y: 20, width: 40, height: 30 })).toEqual({ x: 10, y: 15, width: 40, height: 40 });
    expect(squareBox({ x: 1, y: 2, width: 5, height: 5 })).toEqual({ x: 1, y: 2, width: 5, height: 5 });
  });

  it('moves each corner by its regression offset times the box side', () => {
    const box = { x: 100, y: 50, width: 200, height: 100 };
    expect(regressBox(box, [0, 0, 0, 0])).toEqual(box);
    // left edge +10% of 200, top -20% of 100, right +5% of 200, bottom +10% of 100
    expect(regressBox(box, [0.1, -0.2, 0.05, 0.1])).toEqual({ x: 120, y: 30, width: 190, height: 130 });
    expect(() => regressBox(box, [0.6, 0, -0.6, 0])).toThrow(/empty box/);
  });

  it('places the second run on the regressed box, squared again', () => {
    const first = { x: 0, y: 0, width: 100, height: 100 };
    const second = refinedOnetCrop(first, { boxRegression: [0.125, 0, 0.125, 0.25], landmarks: new Float32Array(10) });
    // regressed: x 12.5..112.5, y 0..125 -> 100 x 125, squared to 125 around the same centre (62.5, 62.5)
    expect(second).toEqual({ x: 0, y: 0, width: 125, height: 125 });
    // A regression that leaves no box, or no number, keeps the first crop instead of failing the request.
    expect(refinedOnetCrop(first, { boxRegression: [0.6, 0, -0.6, 0], landmarks: new Float32Array(10) })).toEqual(first);
    expect(refinedOnetCrop(first, { boxRegression: [NaN, 0, 0, 0], landmarks: new Float32Array(10) })).toEqual(first);
  });

  it('feeds the crop transposed (x first), RGB, scaled to (v - 127.5) / 128', () => {
    const size = ONET_INPUT_SIZE;
    const data = new Uint8Array(size * size * 3);
    const at = (x: number, y: number) => (y * size + x) * 3;
    data.set([255, 0, 127], at(5, 1)); // a pixel at column 5, row 1
    const input = onetInput({ data, width: size, height: size });
    expect(input).toHaveLength(size * size * 3);
    const transposed = (5 * size + 1) * 3; // [x][y][c]
    expect(Array.from(input.subarray(transposed, transposed + 3))).toEqual([127.5 / 128, -127.5 / 128, -0.5 / 128]);
    expect(input[(1 * size + 5) * 3]).toBe(-127.5 / 128); // row-major position holds a black pixel
    expect(() => onetInput({ data: new Uint8Array(12), width: 2, height: 2 })).toThrow(/48x48/);
  });

  it('decodes [x1..x5, y1..y5] fractions of the crop into image pixels (pixel centres at integers)', () => {
    const landmarks = Float32Array.from([0.25, 0.75, 0.5, 0.3, 0.7, 0.4, 0.4, 0.6, 0.8, 0.8]);
    const points = decodeOnetLandmarks(landmarks, { x: 100, y: 50, width: 200, height: 200 });
    expect(points.map(([x, y]) => [Number(x.toFixed(3)), Number(y.toFixed(3))])).toEqual([
      [149.5, 129.5],
      [249.5, 129.5],
      [199.5, 169.5],
      [159.5, 209.5],
      [239.5, 209.5],
    ]);
    expect(() => decodeOnetLandmarks(new Float32Array(136), { x: 0, y: 0, width: 1, height: 1 })).toThrow(/10 landmark values/);
  });
});
