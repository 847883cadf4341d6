import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { shippedEmbedder } from '../../test/support/embedders.js';
import { createOnnxBackend, npmSamplePhoto, sharedDataAvailable, sharedDataDir } from '../../test/support/face-fixtures.js';
import { ApiError, ErrorCode } from '../common/api-error.js';
import { OnnxRuntimeBackend } from '../inference/onnx-runtime.backend.js';
import { FacePipeline } from './face-pipeline.js';
import { DEFAULT_THRESHOLDS } from '../gallery/thresholds.js';
import { mirror } from './rgb-image.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);

async function apiErrorOf(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('FacePipeline', () => {
  let backend: OnnxRuntimeBackend;
  let pipeline: FacePipeline;
  beforeAll(async () => {
    backend = await createOnnxBackend();
    pipeline = new FacePipeline(backend, shippedEmbedder());
  });
  afterAll(() => backend.onModuleDestroy());

  describe('refuses bad input with a 415/422 ApiError, never a generic error', () => {
    const jpeg = readFileSync(npmSamplePhoto(1));
    const cases: [string, () => Promise<Buffer>, number][] = [
      ['an empty buffer', async () => Buffer.alloc(0), 415],
      ['a text file', async () => Buffer.from('name,birthdate\nJohn,1990-01-01\n'), 415],
      ['a GIF', async () => Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'), 415],
      ['a truncated JPEG', async () => jpeg.subarray(0, Math.floor(jpeg.length / 3)), 415],
      ['JPEG magic bytes followed by junk', async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]), 415],
    ];
    it.each(cases)('%s', async (_, make, status) => {
      const input = await make();
      expect((await apiErrorOf(pipeline.detect(input))).httpStatus).toBe(status);
      expect((await apiErrorOf(pipeline.embedLargestFace(input))).httpStatus).toBe(status);
    });

    it('a decompression bomb (too many pixels) without decoding it', async () => {
      const bomb = await sharp({ create: { width: 10000, height: 6000, channels: 3, background: '#000' } })
        .png({ compressionLevel: 9 })
        .toBuffer();
      const error = await apiErrorOf(pipeline.detect(bomb));
      expect([error.httpStatus, error.errorCode]).toEqual([422, ErrorCode.IMAGE_TOO_MANY_PIXELS]);
    });

    it('a valid image without a face: 601 from embedLargestFace, no faces from detect', async () => {
      const blank = await sharp({ create: { width: 320, height: 240, channels: 4, background: '#7799aa80' } })
        .png()
        .toBuffer();
      expect((await pipeline.detect(blank)).faces).toEqual([]);
      const error = await apiErrorOf(pipeline.embedLargestFace(blank));
      expect([error.httpStatus, error.errorCode]).toEqual([422, ErrorCode.FACE_NOT_DETECTED]);
    });
  });

  it('detects every face of a group photo with integer boxes inside the image and 5 landmarks in each box', async () => {
    const result = await pipeline.detect(readFileSync(npmSamplePhoto(5)));
    expect([result.width, result.height]).toEqual([1920, 1398]);
    expect(result.faces).toHaveLength(5);
    for (const face of result.faces) {
      const { x, y, width, height } = face.box;
      expect([x, y, width, height].every(Number.isInteger)).toBe(true);
      expect(x + width).toBeLessThanOrEqual(result.width);
      expect(y + height).toBeLessThanOrEqual(result.height);
      expect(face.landmarks).toHaveLength(5);
      for (const [lx, ly] of face.landmarks) {
        expect(lx).toBeGreaterThan(x - 0.1 * width);
        expect(lx).toBeLessThan(x + 1.1 * width);
        expect(ly).toBeGreaterThan(y);
        expect(ly).toBeLessThan(y + height);
      }
      expect(face.quality).toBeGreaterThanOrEqual(0);
      expect(face.quality).toBeLessThanOrEqual(1);
    }
  });

  it('times each stage that ran, the landmark model apart from detection', async () => {
    const photo = readFileSync(npmSamplePhoto(2));
    const detected = await pipeline.detect(photo);
    expect(Object.keys(detected.timings)).toEqual(['decode', 'detect', 'landmarks', 'align']);
    const embedded = await pipeline.embedLargestFace(photo);
    expect(Object.keys(embedded.timings)).toEqual(['decode', 'detect', 'landmarks', 'align', 'embed']);
    for (const ms of Object.values(embedded.timings)) expect(ms).toBeGreaterThan(0);
  });

  it('finds faces of 40-60 px in a 1920x1280 photo', async () => {
    const small = await sharp(readFileSync(npmSamplePhoto(5)))
      .resize({ width: 420 })
      .toBuffer();
    const canvas = await sharp({ create: { width: 1920, height: 1280, channels: 3, background: '#556677' } })
      .composite([{ input: small, left: 1300, top: 800 }])
      .jpeg()
      .toBuffer();
    const result = await pipeline.detect(canvas);
    expect(result.faces).toHaveLength(5);
    expect(Math.max(...result.faces.map((f) => f.faceSizePx))).toBeLessThan(70);
    expect(result.faces.every((f) => f.box.x >= 1300 && f.box.y >= 800)).toBe(true);
  });

  it('applies EXIF orientation: a rotated file gives the upright size and the same faces', async () => {
    const upright = readFileSync(npmSamplePhoto(1));
    // Store the pixels turned 90 degrees clockwise with EXIF orientation 8 (turn back anticlockwise on display).
    const rotated = await sharp(upright).rotate(90).withMetadata({ orientation: 8 }).jpeg().toBuffer();
    const a = await pipeline.detect(upright);
    const b = await pipeline.detect(rotated);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(b.faces).toHaveLength(a.faces.length);
    const centreX = (r: typeof a) => r.faces.map((f) => f.box.x + f.box.width / 2).sort((p, q) => p - q);
    centreX(b).forEach((x, i) => expect(Math.abs(x - centreX(a)[i])).toBeLessThan(20));
  });

  it('embeds the largest face as a unit vector; the same face matches itself across resolutions', async () => {
    const full = readFileSync(npmSamplePhoto(6));
    const half = await sharp(full).resize({ width: 960 }).jpeg({ quality: 90 }).toBuffer();
    const a = await pipeline.embedLargestFace(full);
    const b = await pipeline.embedLargestFace(half);
    expect(a.embedding).toHaveLength(512);
    expect(Math.hypot(...a.embedding)).toBeCloseTo(1, 5);
    expect(a.facesDetected).toBe(4);
    expect(dot(a.embedding, b.embedding)).toBeGreaterThan(0.9);
    const other = await pipeline.embedLargestFace(readFileSync(npmSamplePhoto(3)));
    expect(dot(a.embedding, other.embedding)).toBeLessThan(DEFAULT_THRESHOLDS.match);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    'recognition shortcuts change nothing on sample %i: same face as detect, same vector as one view at a time',
    async (index) => {
      const photo = readFileSync(npmSamplePhoto(index));
      const detected = await pipeline.detect(photo);
      const largest = await pipeline.alignLargestFace(photo);
      // Only the chosen face gets landmarks on the recognise path; it must be one detect describes identically.
      expect(largest.facesDetected).toBe(detected.faces.length);
      expect(detected.faces).toContainEqual(largest.face);
      // The two flip views run as one batch of 2; the result must equal one view at a time, summed in the same order.
      const single = new FacePipeline(backend, shippedEmbedder().withPreprocessing({ flipAugmentation: false }));
      const views = [await single.embedAligned(largest.aligned), await single.embedAligned(mirror(largest.aligned))];
      const sum = views[0].map((value, i) => value + views[1][i]);
      const norm = Math.sqrt(sum.reduce((total, value) => total + value * value, 0));
      const expected = sum.map((value) => value / norm);
      expect(await pipeline.embedAligned(largest.aligned)).toEqual(expected);
    },
  );

  const lfw = sharedDataAvailable('LFW match test') ? it : it.skip;
  lfw('separates two photos of one LFW person from a photo of another at the shipped threshold', async () => {
    const image = (id: string) => readFileSync(join(sharedDataDir, 'lfw-dev/images', `${id.replace(/_\d+$/, '')}/${id}.jpg`));
    const [a, b, c] = await Promise.all(
      ['Aaron_Peirsol_0001', 'Aaron_Peirsol_0002', 'Abdullah_0001'].map(async (id) => (await pipeline.embedLargestFace(image(id))).embedding),
    );
    expect(dot(a, b)).toBeGreaterThan(DEFAULT_THRESHOLDS.match);
    expect(dot(a, c)).toBeLessThan(DEFAULT_THRESHOLDS.match);
  });
});
