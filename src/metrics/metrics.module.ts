import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';

/**
 * Global, so any module can report without importing it. It imports no domain module: the domains
 * register their own gauges (gallery size in users, enrollment cache in cache, pipeline load in faces).
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: Metrics, useFactory: () => new Metrics() }],
  exports: [Metrics],
})
export class MetricsModule {}
