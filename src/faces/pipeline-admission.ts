import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

interface Waiter {
  admit(): void;
}

/**
 * Bounded admission in front of the face pipeline: at most MAX_INFLIGHT_RECOGNITIONS run, at
 * most MAX_QUEUED_RECOGNITIONS wait, the rest get a 503 at once. A request that has not finished
 * within PIPELINE_TIMEOUT_MS (waiting included) gets a 503 too; its work cannot be cancelled
 * (ONNX Runtime, libvips), so its slot stays taken until the work really ends: the bound holds.
 */
@Injectable()
export class PipelineAdmission implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  private inflight = 0;
  private readonly queue: Waiter[] = [];
  private idleListeners: (() => void)[] = [];

  constructor(private readonly config: AppConfig) {}

  get load(): { inflight: number; queued: number } {
    return { inflight: this.inflight, queued: this.queue.length };
  }

  /** Whether run() would refuse at once: lets a caller refuse before reading an upload it cannot use. */
  get isFull(): boolean {
    return this.inflight >= this.config.maxInflightRecognitions && this.queue.length >= this.config.maxQueuedRecognitions;
  }

  /**
   * Resolves once nothing runs or waits. Work outlives its request when the client hangs up, so
   * shutdown waits for this before freeing the sessions that work still uses.
   */
  whenIdle(): Promise<void> {
    if (this.inflight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleListeners.push(resolve));
  }

  /**
   * At shutdown the HTTP server has already drained (common/graceful-shutdown.ts), but work whose
   * client hung up may still run. Nest destroys this module before the InferenceModule it imports,
   * so waiting here keeps the model sessions alive until that work ends (up to SHUTDOWN_DRAIN_MS).
   */
  async onModuleDestroy(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.config.shutdownDrainMs)));
    const timedOut = await Promise.race([this.whenIdle().then(() => false), gaveUp]);
    clearTimeout(timer);
    if (timedOut) this.logger.warn(`Pipeline work still running after ${this.config.shutdownDrainMs} ms: freeing the models anyway`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const timeoutMs = this.config.pipelineTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(ApiError.pipelineTimeout(timeoutMs));
      }, timeoutMs);
    });
    try {
      const waiter = this.acquire();
      await Promise.race([waiter.admitted, deadline]).catch((error: unknown) => {
        waiter.cancel();
        throw error;
      });
      if (timedOut) {
        this.release();
        throw ApiError.pipelineTimeout(timeoutMs);
      }
      const running = work().finally(() => this.release());
      return await Promise.race([running, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A slot now, a place in the queue, or a 503 when both are full. */
  private acquire(): { admitted: Promise<void>; cancel(): void } {
    if (this.inflight < this.config.maxInflightRecognitions) {
      this.inflight++;
      return { admitted: Promise.resolve(), cancel: () => this.release() };
    }
    if (this.queue.length >= this.config.maxQueuedRecognitions) throw ApiError.overloaded();
    let admitted = false;
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve) => {
      waiter = {
        admit: () => {
          admitted = true;
          resolve();
        },
      };
    });
    this.queue.push(waiter);
    return {
      admitted: promise,
      // Timed out while queued: leave the queue; if admitted in the same tick, hand the slot back.
      cancel: () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        else if (admitted) this.release();
        this.notifyIfIdle();
      },
    };
  }

  /** The freed slot goes straight to the oldest waiter, so the count never dips below the bound. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next.admit();
    else this.inflight--;
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.inflight === 0 && this.queue.length === 0 && this.idleListeners.length > 0) {
      const listeners = this.idleListeners;
      this.idleListeners = [];
      for (const listener of listeners) listener();
    }
  }
}
