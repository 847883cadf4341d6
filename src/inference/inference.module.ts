import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { InferenceBackend } from './inference-backend.js';
import { OnnxRuntimeBackend } from './onnx-runtime.backend.js';
import { OnnxWorkerPoolBackend } from './onnx-worker-pool.backend.js';
import { TimedInferenceBackend } from './timed-inference.backend.js';

/** The one place that picks the backend (INFERENCE_BACKEND); everything else sees InferenceBackend. */
async function createInferenceBackend(config: AppConfig): Promise<InferenceBackend> {
  const logger = new Logger('InferenceModule');
  switch (config.inferenceBackend) {
    case 'onnx': {
      // Loads every session now, so a missing model stops the start with a clear message.
      const backend = config.ortWorkerThreads > 0 ? await OnnxWorkerPoolBackend.create(config) : await OnnxRuntimeBackend.create(config);
      const where = config.ortWorkerThreads > 0 ? `${config.ortWorkerThreads} worker thread(s)` : 'the main thread';
      logger.log(`ONNX Runtime backend ready in ${where} (${config.ortIntraOpThreads} intra-op thread(s) each) from ${config.modelRepository}`);
      return backend;
    }
    case 'triton': {
      const { TritonBackend } = await import('./triton/triton.backend.js');
      logger.log(`Triton backend at ${config.tritonGrpcUrl}`);
      return TritonBackend.fromConfig(config);
    }
    default:
      throw new Error(`INFERENCE_BACKEND "${String(config.inferenceBackend)}" is not available`);
  }
}

/**
 * Provides the InferenceBackend chosen by INFERENCE_BACKEND, created once per app. The face pipeline
 * on top of it lives in faces/face-pipeline.module.ts. AppConfig comes from the global ConfigModule.
 */
@Module({
  providers: [
    {
      provide: InferenceBackend,
      // Metrics is optional so that the module also stands alone (unit tests, benchmarks).
      useFactory: async (config: AppConfig, metrics?: Metrics) => {
        const backend = await createInferenceBackend(config);
        return metrics ? new TimedInferenceBackend(backend, metrics.inferenceDuration) : backend;
      },
      inject: [AppConfig, { token: Metrics, optional: true }],
    },
  ],
  exports: [InferenceBackend],
})
export class InferenceModule {}
