import { Injectable, Optional } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

/** Who wants to know how full the pipeline is (metrics); optional so the gate stands alone in tests. */
export abstract class PipelineLoadObserver {
  abstract observe(inflight: number, queued: number): void;
}

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
export class PipelineAdmission {
  private inflight = 0;
  private readonly queue: Waiter[] = [];
  private idleListeners: (() => void)[] = [];

  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly observer?: PipelineLoadObserver,
  ) {}

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
      this.report();
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
    this.report();
    return {
      admitted: promise,
      // Timed out while queued: leave the queue; if admitted in the same tick, hand the slot back.
      cancel: () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        else if (admitted) this.release();
        this.report();
      },
    };
  }

  /** The freed slot goes straight to the oldest waiter, so the count never dips below the bound. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next.admit();
    else this.inflight--;
    this.report();
  }

  private report(): void {
    this.observer?.observe(this.inflight, this.queue.length);
    if (this.inflight === 0 && this.queue.length === 0 && this.idleListeners.length > 0) {
      const listeners = this.idleListeners;
      this.idleListeners = [];
      for (const listener of listeners) listener();
    }
  }
}
