import { Global, Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { PipelineLoadObserver } from '../faces/pipeline-admission.js';
import { GalleryModule } from '../gallery/gallery.module.js';
import { GalleryGauges } from './gallery-gauges.js';
import { Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';

/** Global, so the inference backend and the pipeline gate can report without importing it. */
@Global()
@Module({
  imports: [GalleryModule, CacheModule],
  controllers: [MetricsController],
  providers: [{ provide: Metrics, useFactory: () => new Metrics() }, { provide: PipelineLoadObserver, useExisting: Metrics }, GalleryGauges],
  exports: [Metrics, PipelineLoadObserver],
})
export class MetricsModule {}
