import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../common/thread-priority.js';
import { OnnxRuntimeBackend } from './onnx-runtime.backend.js';
import type { ModelStatus, TensorMap } from './inference-backend.js';

/** What the pool hands each worker at start. */
export interface OnnxWorkerOptions {
  readonly modelRepository: string;
  readonly ortIntraOpThreads: number;
  readonly embedderModel?: string;
  /** ORT_WORKER_NICE: this thread's nice value (0 = unchanged). */
  readonly nice?: number;
}

export type WorkerRequest = { id: number; model: string; inputs: TensorMap } | { close: true };
export type WorkerReply =
  { type: 'ready'; sessions: ModelStatus[] } | { type: 'failed'; message: string } | { id: number; outputs?: TensorMap; error?: string };

/**
 * One ONNX Runtime backend in a worker thread. onnxruntime-node runs session.run synchronously on
 * the calling thread, so in the main thread every inference would block the event loop.
 */
const port = parentPort!;
const options = workerData as OnnxWorkerOptions;
// Before the sessions exist, so ONNX Runtime's own threads, created by this one, inherit the priority.
lowerThisThreadPriority(options.nice ?? 0);
try {
  const backend = await OnnxRuntimeBackend.create(options);
  const answer = async (request: WorkerRequest) => {
    if ('close' in request) {
      // Sessions are released here, in their own thread: terminating a worker that still holds
      // them aborts the whole process ("terminate called after throwing Napi::Error").
      await backend.onModuleDestroy();
      port.close();
      return;
    }
    const { id, model, inputs } = request;
    try {
      port.postMessage({ id, outputs: await backend.infer(model, inputs) } satisfies WorkerReply);
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message } satisfies WorkerReply);
    }
  };
  // answer() reports its own failures to the pool, so nothing is left to catch here.
  port.on('message', (request: WorkerRequest) => void answer(request));
  port.postMessage({ type: 'ready', sessions: await backend.status() } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'failed', message: (error as Error).message } satisfies WorkerReply);
}
