import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '../inference/inference.module.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { DependencyGauges } from './dependency-gauges.js';
import { HealthController } from './health.controller.js';
import { InferenceHealthIndicator } from './inference.health.js';
import { ServingHealthIndicator } from './serving.health.js';
import { ServingState } from './serving-state.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), InferenceModule],
  controllers: [HealthController],
  providers: [ServingState, ServingHealthIndicator, DatabaseHealthIndicator, InferenceHealthIndicator, DependencyGauges],
  exports: [ServingState],
})
export class HealthModule {}
