import { Worker } from 'node:worker_threads';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import type { Box, Point } from '../common/geometry.js';
import { workerScript } from '../common/worker-script.js';
import type { DetectionFrame } from './detection/ultraface.js';
import type { DecodedImage } from './image-decoding.js';
import { PixelCall, PixelsOnThisThread, PixelWork, runPixelCall } from './pixel-work.js';
import type { PixelReply, PixelRequest, PixelWorkerOptions } from './pixel-work.worker.js';
import type { RgbImage } from './rgb-image.js';

interface PendingStep {
  readonly call: PixelCall;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface PixelWorker {
  readonly thread: Worker;
  readonly pending: Map<number, PendingStep>;
  alive: boolean;
}

/**
 * PixelWork on PIXEL_WORKER_THREADS worker threads at the ONNX workers' priority (ORT_WORKER_NICE).
 * On the event loop these steps took a sixth of its time under load, and their large buffers most of
 * its garbage collection, so health probes waited behind them (bench:liveness). A step goes to the
 * worker with the fewest pending. Decoded pixels live in shared memory; tensors come back transferred.
 * Steps a stopped worker leaves, and steps after shutdown began, run on this thread instead.
 */
export class PixelWorkerPool extends PixelWork implements OnModuleDestroy {
  private readonly logger = new Logger(PixelWorkerPool.name);
  private readonly onThisThread = new PixelsOnThisThread();
  private nextId = 0;
  private closing = false;

  private constructor(private readonly workers: PixelWorker[]) {
    super();
  }

  static async start(threads: number, options: PixelWorkerOptions): Promise<PixelWorkerPool> {
    const script = await workerScript(new URL('./pixel-work.worker.ts', import.meta.url));
    const pool = new PixelWorkerPool([]);
    for (let i = 0; i < threads; i++) pool.workers.push(pool.watch(new Worker(script, { workerData: options })));
    return pool;
  }

  get liveWorkers(): number {
    return this.workers.filter((worker) => worker.alive).length;
  }

  decode(bytes: Buffer): Promise<DecodedImage> {
    return this.run({ step: 'decode', args: [bytes] });
  }

  detectorTensor(image: RgbImage, frame: DetectionFrame): Promise<Float32Array> {
    return this.run({ step: 'detectorTensor', args: [image, frame] });
  }

  onetTensor(image: RgbImage, crop: Box): Promise<Float32Array> {
    return this.run({ step: 'onetTensor', args: [image, crop] });
  }

  alignFace(image: RgbImage, landmarks: readonly Point[]): Promise<RgbImage> {
    return this.run({ step: 'alignFace', args: [image, landmarks] });
  }

  /**
   * An idle worker ends at once; one holding steps (libvips jobs that will call back into it) finishes
   * them first, and is terminated if that takes over 5 s.
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.workers.map(async (worker) => {
        if (!worker.alive) return;
        if (worker.pending.size === 0) {
          await worker.thread.terminate();
          return;
        }
        const exited = new Promise((resolve) => worker.thread.once('exit', resolve));
        worker.thread.postMessage({ close: true } satisfies PixelRequest);
        const timer = setTimeout(() => void worker.thread.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private run<T>(call: PixelCall): Promise<T> {
    const live = this.closing ? [] : this.workers.filter((worker) => worker.alive);
    if (live.length === 0) return runPixelCall(this.onThisThread, call) as Promise<T>;
    const worker = live.reduce((idlest, w) => (w.pending.size < idlest.pending.size ? w : idlest));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      worker.pending.set(id, { call, resolve, reject });
      worker.thread.postMessage({ id, call } satisfies PixelRequest);
    }) as Promise<T>;
  }

  private watch(thread: Worker): PixelWorker {
    const worker: PixelWorker = { thread, pending: new Map(), alive: true };
    thread.on('message', (reply: PixelReply) => {
      const waiter = worker.pending.get(reply.id);
      worker.pending.delete(reply.id);
      if (!waiter) return;
      if ('result' in reply) waiter.resolve(reply.result);
      else if ('apiError' in reply.failure) waiter.reject(new ApiError(...reply.failure.apiError));
      else waiter.reject(new Error(reply.failure.message));
    });
    const stopped = (reason: string) => {
      if (!worker.alive) return;
      worker.alive = false;
      if (!this.closing) this.logger.warn(`A pixel worker stopped (${reason}); its steps run on the event loop`);
      for (const waiter of worker.pending.values()) runPixelCall(this.onThisThread, waiter.call).then(waiter.resolve, waiter.reject);
      worker.pending.clear();
    };
    thread.on('error', (error) => stopped(error.message));
    thread.on('exit', (code) => stopped(`exit code ${code}`));
    return worker;
  }
}
