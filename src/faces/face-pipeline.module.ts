import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module.js';
import { FacePipeline } from './face-pipeline.js';
import { GatedFacePipeline } from './gated-face-pipeline.js';
import { PipelineAdmission } from './pipeline-admission.js';

/**
 * The pipeline alone, so that recognition (faces) and enrollment (users) can share it without a cycle.
 * Request handlers use GatedFacePipeline: the pipeline behind the one admission gate.
 */
@Module({
  imports: [InferenceModule],
  providers: [FacePipeline, PipelineAdmission, GatedFacePipeline],
  exports: [FacePipeline, PipelineAdmission, GatedFacePipeline],
})
export class FacePipelineModule {}
