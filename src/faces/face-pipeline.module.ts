import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { EmbedderContract } from '../inference/embedder-contract.js';
import { InferenceBackend } from '../inference/inference-backend.js';
import { InferenceModule } from '../inference/inference.module.js';
import { Metrics } from '../metrics/metrics.js';
import { AppConfig } from '../config/app-config.js';
import { FacePipeline } from './face-pipeline.js';
import { GatedFacePipeline } from './gated-face-pipeline.js';
import { PipelineAdmission } from './pipeline-admission.js';
import { PixelsOnThisThread, PixelWork } from './pixel-work.js';
import { PixelWorkerPool } from './pixel-worker-pool.js';

/**
 * The pipeline alone, so that recognition (faces) and enrollment (users) can share it without a cycle,
 * with the one admission gate that bounds how much pipeline work runs at once. Request handlers use
 * GatedFacePipeline: the pipeline behind that gate. The gate also waits, at shutdown, for pipeline
 * work to end before InferenceModule frees the models (see PipelineAdmission).
 */
@Module({
  imports: [InferenceModule],
  providers: [
    // EmbedderContract comes from the global GalleryEmbedderModule: the gallery and the pipeline share one embedder.
    {
      provide: PixelWork,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.pixelWorkerThreads > 0 ? PixelWorkerPool.start(config.pixelWorkerThreads, { nice: config.ortWorkerNice }) : new PixelsOnThisThread(),
    },
    {
      provide: FacePipeline,
      inject: [InferenceBackend, EmbedderContract, PixelWork],
      useFactory: (backend: InferenceBackend, embedder: EmbedderContract, pixels: PixelWork) => new FacePipeline(backend, embedder, {}, pixels),
    },
    PipelineAdmission,
    GatedFacePipeline,
  ],
  exports: [FacePipeline, PipelineAdmission, GatedFacePipeline],
})
export class FacePipelineModule implements OnModuleInit {
  constructor(
    private readonly admission: PipelineAdmission,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.gaugeOnScrape(
      'face_matrix_pipeline_inflight',
      'Requests running in the face pipeline now (bounded by MAX_INFLIGHT_RECOGNITIONS)',
      () => this.admission.load.inflight,
    );
    this.metrics?.gaugeOnScrape(
      'face_matrix_pipeline_queued',
      'Requests waiting for a pipeline slot now (bounded by MAX_QUEUED_RECOGNITIONS)',
      () => this.admission.load.queued,
    );
  }
}
