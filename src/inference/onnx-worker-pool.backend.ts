import { Worker } from 'node:worker_threads';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { workerScript } from '../common/worker-script.js';
import type { AppConfig } from '../config/app-config.js';
import { InferenceBackend, InferenceUnavailableError, InferOptions, ModelStatus, TensorMap } from './inference-backend.js';
import { faceModelNames } from './model-repository.js';
import type { OnnxWorkerOptions, WorkerReply, WorkerRequest } from './onnx-inference.worker.js';

/** What the pool knows of one worker's sessions: what it loaded, and whether it still runs. */
export interface WorkerSessions {
  /** The worker's own status() once its sessions were created. */
  readonly sessions: readonly ModelStatus[];
  alive: boolean;
  /** Why the worker stopped, once it has. */
  stoppedBecause?: string;
}

interface PoolWorker extends WorkerSessions {
  readonly thread: Worker;
  readonly pending: Map<number, { resolve(outputs: TensorMap): void; reject(error: Error): void }>;
  closing: boolean;
}

/**
 * A model is ready when every worker holds a live session for it: each request may go to any
 * worker, and a stopped worker is never restarted, so a pool missing one serves at reduced
 * capacity until the replica is replaced. The reason names each worker that lacks the session.
 */
export function poolModelStatus(model: string, workers: readonly WorkerSessions[]): ModelStatus {
  if (workers.length === 0) return { model, ready: false, reason: 'no ONNX Runtime workers' };
  const problems = workers.flatMap((worker, index) => {
    const which = `worker ${index + 1} of ${workers.length}`;
    if (!worker.alive) return [`${which} stopped: ${worker.stoppedBecause ?? 'unknown reason'}`];
    const session = worker.sessions.find((entry) => entry.model === model);
    if (!session) return [`${which} has no session for this model`];
    return session.ready ? [] : [`${which}: ${session.reason ?? 'session not ready'}`];
  });
  return problems.length === 0 ? { model, ready: true } : { model, ready: false, reason: problems.join('; ') };
}

/**
 * ONNX Runtime in ORT_WORKER_THREADS worker threads, each with its own sessions. A request goes to
 * the worker with the fewest runs pending, so the two flip views of a face run on two cores while
 * the event loop stays free for HTTP and the embedded database. Input tensors are copied unless the
 * caller hands them over (InferOptions), then transferred.
 */
@Injectable()
export class OnnxWorkerPoolBackend extends InferenceBackend implements OnModuleDestroy {
  readonly kind = 'onnx' as const;
  private nextId = 0;

  private constructor(
    private readonly workers: PoolWorker[],
    private readonly needed: readonly string[],
  ) {
    super();
  }

  static async create(
    config: Pick<AppConfig, 'modelRepository' | 'ortIntraOpThreads' | 'ortWorkerThreads'> &
      Partial<Pick<AppConfig, 'embedderModel' | 'ortWorkerNice'>>,
  ): Promise<OnnxWorkerPoolBackend> {
    const options: OnnxWorkerOptions = {
      modelRepository: config.modelRepository,
      ortIntraOpThreads: config.ortIntraOpThreads,
      embedderModel: config.embedderModel,
      nice: config.ortWorkerNice,
    };
    const workers = await Promise.all(Array.from({ length: config.ortWorkerThreads }, () => startWorker(options)));
    return new OnnxWorkerPoolBackend(workers, faceModelNames(config.embedderModel));
  }

  override get parallelRuns(): number {
    return Math.max(1, this.workers.filter((worker) => worker.alive).length);
  }

  infer(model: string, inputs: TensorMap, options: InferOptions = {}): Promise<TensorMap> {
    const live = this.workers.filter((worker) => worker.alive);
    if (live.length === 0) return Promise.reject(new InferenceUnavailableError('Every ONNX Runtime worker has stopped'));
    const worker = live.reduce((idlest, w) => (w.pending.size < idlest.pending.size ? w : idlest));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.thread.postMessage({ id, model, inputs } satisfies WorkerRequest, options.handOverInputs ? transferable(inputs) : []);
    });
  }

  status(): Promise<ModelStatus[]> {
    return Promise.resolve(this.needed.map((model) => poolModelStatus(model, this.workers)));
  }

  /** Each worker releases its sessions and ends; one that does not within 5 s is terminated. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        if (!worker.alive) return;
        worker.closing = true;
        const exited = new Promise((resolve) => worker.thread.once('exit', resolve));
        worker.thread.postMessage({ close: true } satisfies WorkerRequest);
        const timer = setTimeout(() => void worker.thread.terminate(), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** The inputs' own buffers: a view into a larger or shared buffer is copied, as it is not the caller's alone. */
function transferable(inputs: TensorMap): ArrayBuffer[] {
  return Object.values(inputs).flatMap(({ data }) =>
    data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? [data.buffer] : [],
  );
}

async function startWorker(options: OnnxWorkerOptions): Promise<PoolWorker> {
  const thread = new Worker(await workerScript(new URL('./onnx-inference.worker.ts', import.meta.url)), { workerData: options });
  const sessions = await new Promise<ModelStatus[]>((resolve, reject) => {
    thread.once('error', reject);
    thread.once('message', (reply: WorkerReply) =>
      'type' in reply && reply.type === 'ready' ? resolve(reply.sessions) : reject(new Error((reply as { message: string }).message)),
    );
  });
  const worker: PoolWorker = { thread, sessions, pending: new Map(), alive: true, closing: false };
  const stopped = (reason: string) => {
    if (worker.alive) worker.stoppedBecause = worker.closing ? 'sessions released (shutting down)' : reason;
    worker.alive = false;
    for (const waiter of worker.pending.values()) waiter.reject(new InferenceUnavailableError(reason));
    worker.pending.clear();
  };
  worker.thread.on('message', (reply: WorkerReply) => {
    if (!('id' in reply)) return;
    const waiter = worker.pending.get(reply.id);
    worker.pending.delete(reply.id);
    if (reply.outputs) waiter?.resolve(reply.outputs);
    else waiter?.reject(new InferenceUnavailableError(reply.error ?? 'ONNX Runtime worker failed'));
  });
  worker.thread.on('error', (error) => stopped(`ONNX Runtime worker failed: ${error.message}`));
  worker.thread.on('exit', () => stopped('ONNX Runtime worker exited'));
  return worker;
}
