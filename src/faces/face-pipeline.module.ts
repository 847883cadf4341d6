import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module.js';
import { FacePipeline } from './face-pipeline.js';
import { PipelineAdmission } from './pipeline-admission.js';

/**
 * The pipeline alone, so that recognition (faces) and enrollment (users) can share it without a cycle,
 * with the one admission gate that bounds how much pipeline work runs at once.
 */
@Module({
  imports: [InferenceModule],
  providers: [FacePipeline, PipelineAdmission],
  exports: [FacePipeline, PipelineAdmission],
})
export class FacePipelineModule {}
