import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module.js';
import { FacePipeline } from './face-pipeline.js';

/** The pipeline alone, so that recognition (faces) and enrollment (users) can share it without a cycle. */
@Module({
  imports: [InferenceModule],
  providers: [FacePipeline],
  exports: [FacePipeline],
})
export class FacePipelineModule {}
