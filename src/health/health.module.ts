import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '../inference/inference.module.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { HealthController } from './health.controller.js';
import { InferenceHealthIndicator } from './inference.health.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), InferenceModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, InferenceHealthIndicator],
})
export class HealthModule {}
