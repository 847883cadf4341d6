import { existsSync } from 'node:fs';
import { threadNice, threadsAtNice } from '../../test/support/thread-nice.js';
import { npmSamplePhoto } from '../../test/support/face-photos.js';
import { ApiError, ErrorCode } from '../common/api-error.js';
import { detectionFrames } from './detection/ultraface.js';
import { PixelsOnThisThread } from './pixel-work.js';
import { PixelWorkerPool } from './pixel-worker-pool.js';

describe('PixelWorkerPool', () => {
  const here = new PixelsOnThisThread();
  const photo = npmSamplePhoto(1);
  // Eyes, nose and mouth corners of a face in that photo.
  const landmarks: [number, number][] = [
    [500, 230],
    [600, 228],
    [552, 280],
    [510, 330],
    [592, 328],
  ];
  let pool: PixelWorkerPool;

  beforeAll(async () => {
    pool = await PixelWorkerPool.start(2, { nice: 0 });
  });

  afterAll(() => pool.onModuleDestroy());

  it('gives the same pixels and tensors as the steps on this thread, for concurrent calls', async () => {
    const [inPool, onThread] = await Promise.all([pool.decode(photo), here.decode(photo)]);
    expect(inPool).toEqual({ ...onThread, image: { ...onThread.image, data: expect.any(Uint8Array) } });
    expect(Buffer.from(inPool.image.data).equals(Buffer.from(onThread.image.data))).toBe(true);
    // Decoded once, then read by every worker from shared memory without a copy.
    expect(inPool.image.data.buffer).toBeInstanceOf(SharedArrayBuffer);

    const frames = detectionFrames(inPool.image.width, inPool.image.height);
    expect(frames.length).toBeGreaterThan(2);
    const tensors = await Promise.all(frames.map((frame) => pool.detectorTensor(inPool.image, frame)));
    for (const [index, frame] of frames.entries()) expect(sameBytes(tensors[index], await here.detectorTensor(onThread.image, frame))).toBe(true);

    const crop = { x: 400, y: 120, width: 300, height: 300 };
    expect(sameBytes(await pool.onetTensor(inPool.image, crop), await here.onetTensor(onThread.image, crop))).toBe(true);
    const aligned = await pool.alignFace(inPool.image, landmarks);
    expect(aligned).toEqual(await here.alignFace(onThread.image, landmarks));
    expect(aligned.width).toBe(112);
  });

  it('passes a refused upload back as the same ApiError (415), and a corrupt one too', async () => {
    const notAnImage = Buffer.from('definitely not an image');
    await expect(pool.decode(notAnImage)).rejects.toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_IMAGE, httpStatus: 415 });
    await expect(pool.decode(notAnImage)).rejects.toBeInstanceOf(ApiError);
    const truncated = photo.subarray(0, 2_000);
    const expected = await here.decode(truncated).catch((error: unknown) => error);
    await expect(pool.decode(truncated)).rejects.toEqual(expected);
  });

  it('runs the steps a stopped worker held on this thread: every caller still gets its answer', async () => {
    const fragile = await PixelWorkerPool.start(2, { nice: 0 });
    try {
      const { image } = await fragile.decode(photo);
      const expected = await here.alignFace(image, landmarks);
      const answers = Array.from({ length: 12 }, () => fragile.alignFace(image, landmarks));
      // Half of the steps went to the first worker, which now dies (as on a fatal error) before answering them all.
      await fragile['workers'][0].thread.terminate();
      expect(fragile.liveWorkers).toBe(1);
      for (const aligned of await Promise.all(answers)) expect(Buffer.from(aligned.data).equals(Buffer.from(expected.data))).toBe(true);
    } finally {
      await fragile.onModuleDestroy();
    }
  });

  it('runs the steps on this thread once its workers have ended, instead of hanging', async () => {
    const ended = await PixelWorkerPool.start(1, { nice: 0 });
    await ended.onModuleDestroy();
    expect(ended.liveWorkers).toBe(0);
    const decoded = await ended.decode(photo);
    expect(decoded.image.width).toBeGreaterThan(0);
  });

  (existsSync('/proc/thread-self') ? it : it.skip)('runs its workers at ORT_WORKER_NICE and leaves the event loop as it was (Linux)', async () => {
    const loopNice = threadNice('/proc/thread-self');
    const before = threadsAtNice(6);
    const lowered = await PixelWorkerPool.start(1, { nice: 6 });
    try {
      // The worker lowers its priority as it starts: a first step has waited for that.
      await lowered.decode(photo);
      expect(threadsAtNice(6)).toBe(before + 1);
      expect(threadNice('/proc/thread-self')).toBe(loopNice);
    } finally {
      await lowered.onModuleDestroy();
    }
  });
});

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}
