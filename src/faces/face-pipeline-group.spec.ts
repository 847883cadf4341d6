import { jest } from '@jest/globals';
import sharp from 'sharp';
import { createOnnxBackend, modelRepository } from '../../test/support/face-fixtures.js';
import { faceGrid, faceStrip, lfwPortraits, samplePortraits } from '../../test/support/face-photos.js';
import { ApiError, ErrorCode } from '../common/api-error.js';
import type { TensorMap } from '../inference/inference-backend.js';
import { FACE_MODELS, readModelConfig } from '../inference/model-repository.js';
import { OnnxRuntimeBackend } from '../inference/onnx-runtime.backend.js';
import { shippedEmbedder } from '../../test/support/embedders.js';
import { FacePipeline } from './face-pipeline.js';
import { MIN_FACE_SIZE_PX } from './face-selection.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);

/** The embedder's batch sizes, one entry per run, while `work` runs. */
async function embedderRuns(backend: OnnxRuntimeBackend, work: () => Promise<unknown>): Promise<number[]> {
  const runs: number[] = [];
  const infer = backend.infer.bind(backend);
  const spy = jest.spyOn(backend, 'infer').mockImplementation((model: string, inputs: TensorMap) => {
    if (model === FACE_MODELS.embedder) runs.push(inputs.input.dims[0]);
    return infer(model, inputs);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return runs;
}

describe('FacePipeline on group photos', () => {
  let backend: OnnxRuntimeBackend;
  let pipeline: FacePipeline;
  /** Ten different people, 300 px square: LFW where ../shared is present, else the npm samples' faces. */
  let portraits: Buffer[];
  beforeAll(async () => {
    backend = await createOnnxBackend();
    pipeline = new FacePipeline(backend, shippedEmbedder());
    portraits = lfwPortraits(10) ?? (await samplePortraits(10, async (photo) => (await pipeline.detect(photo)).faces.map((f) => f.box)));
  });
  afterAll(() => backend.onModuleDestroy());

  it.each([
    [3, 60, '1140x380 (3:1)'],
    [5, 40, '1740x380 (4.6:1)'],
  ])('finds each of %i faces in a row, %i px apart: a %s strip is letterboxed, not squeezed', async (count, gap) => {
    const strip = await faceStrip(portraits.slice(0, count), { gap });
    const { width, height, faces } = await pipeline.detect(strip);
    expect(width / height).toBeGreaterThan(2.9);
    // One face in each portrait's slot, none twice.
    const slots = faces.map((face) => Math.floor((face.box.x + face.box.width / 2 - gap / 2) / (300 + gap)));
    expect([...new Set(slots)].sort()).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(faces).toHaveLength(count);
  });

  it('embeds several aligned faces in one run, each exactly as alone', async () => {
    const aligned = await Promise.all(portraits.slice(0, 3).map(async (photo) => (await pipeline.alignLargestFace(photo)).aligned));
    const alone: Float32Array[] = [];
    for (const face of aligned) alone.push(await pipeline.embedAligned(face));
    let together: Float32Array[] = [];
    expect(await embedderRuns(backend, async () => (together = await pipeline.embedAlignedBatch(aligned)))).toEqual([6]);
    together.forEach((embedding, i) => {
      expect(embedding).toHaveLength(alone[i].length);
      expect(dot(embedding, alone[i])).toBeCloseTo(1, 5);
    });
    expect(dot(together[0], together[1])).toBeLessThan(0.5);
  });

  it('batches the embedder as far as its config allows', () => {
    expect(readModelConfig(modelRepository, FACE_MODELS.embedder).maxBatchSize).toBe(16);
    expect(shippedEmbedder().facesPerRun).toBe(16);
  });

  it(`splits a batch above 16 rows into balanced runs, a face and its mirror always together`, async () => {
    const face = (await pipeline.alignLargestFace(portraits[0])).aligned;
    const faces = (n: number) => Array.from({ length: n }, () => face);
    expect(await embedderRuns(backend, () => pipeline.embedAlignedBatch(faces(8)))).toEqual([16]);
    expect(await embedderRuns(backend, () => pipeline.embedAlignedBatch(faces(10)))).toEqual([10, 10]);
    expect(await embedderRuns(backend, () => pipeline.embedAlignedBatch(faces(17)))).toEqual([12, 12, 10]);
    const unflipped = new FacePipeline(backend, shippedEmbedder().withPreprocessing({ flipAugmentation: false }));
    expect(await embedderRuns(backend, () => unflipped.embedAlignedBatch(faces(17)))).toEqual([9, 8]);
    expect(await embedderRuns(backend, () => pipeline.embedAlignedBatch([]))).toEqual([]);
  });

  it('embeds the faces of a 6-face photo in one embedder run, most prominent first', async () => {
    const photo = await faceGrid(portraits.slice(0, 6), { columns: 3, width: 1500, height: 1000, side: 360 });
    let result: Awaited<ReturnType<FacePipeline['embedFaces']>> | undefined;
    expect(await embedderRuns(backend, async () => (result = await pipeline.embedFaces(photo, 10)))).toEqual([12]);
    const { facesDetected, faces, timings } = result!;
    expect(facesDetected).toBe(6);
    expect(faces).toHaveLength(6);
    expect(Object.keys(timings)).toEqual(['decode', 'detect', 'landmarks', 'align', 'embed']);
    // The two middle faces are nearest the centre; the corners come last.
    const column = (box: { x: number; width: number }) => Math.floor((box.x + box.width / 2) / 500);
    expect(faces.slice(0, 2).map((f) => column(f.face.box))).toEqual([1, 1]);
    for (const { embedding } of faces) expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
    // Six different people.
    for (let i = 1; i < faces.length; i++) expect(dot(faces[0].embedding, faces[i].embedding)).toBeLessThan(0.5);

    const two = await pipeline.embedFaces(photo, 2);
    expect(two.facesDetected).toBe(6);
    expect(two.faces.map((f) => f.face.box)).toEqual(faces.slice(0, 2).map((f) => f.face.box));
  });

  it(`counts faces under ${MIN_FACE_SIZE_PX} px but does not embed them; a photo of only those is a 603`, async () => {
    const small = await Promise.all(portraits.slice(0, 4).map((portrait) => sharp(portrait).resize(46, 46).toBuffer()));
    const tiny = await faceGrid(small, { columns: 4, width: 480, height: 200, side: 46 });
    const detected = await pipeline.detect(tiny);
    expect(detected.faces.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...detected.faces.map((f) => f.faceSizePx))).toBeLessThan(MIN_FACE_SIZE_PX);
    for (const attempt of [pipeline.embedFaces(tiny, 10), pipeline.embedLargestFace(tiny)]) {
      const error = await attempt.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ApiError);
      expect([(error as ApiError).httpStatus, (error as ApiError).errorCode]).toEqual([422, ErrorCode.FACES_TOO_SMALL]);
      expect((error as ApiError).message).toMatch(new RegExp(`smaller than ${MIN_FACE_SIZE_PX} px`));
    }

    // Only the minimum stands in the way: without one, the same faces are embedded (bench:accuracy --face-sizes).
    expect((await new FacePipeline(backend, shippedEmbedder(), { minFaceSizePx: 0 }).embedFaces(tiny, 10)).faces.length).toBe(detected.faces.length);

    // The same small faces in a row, and one of about 70 px beside them.
    const mixed = await sharp({ create: { width: 600, height: 220, channels: 3, background: '#d8d4cc' } })
      .composite([
        ...small.map((input, i) => ({ input, left: 20 + i * 100, top: 87 })),
        { input: await sharp(portraits[4]).resize(160, 160).toBuffer(), left: 420, top: 30 },
      ])
      .jpeg()
      .toBuffer();
    const { facesDetected, faces } = await pipeline.embedFaces(mixed, 10);
    expect(faces).toHaveLength(1);
    expect(faces[0].face.faceSizePx).toBeGreaterThanOrEqual(MIN_FACE_SIZE_PX);
    expect(facesDetected).toBe((await pipeline.detect(mixed)).faces.length);
    expect(facesDetected).toBeGreaterThan(1);
  });
});
