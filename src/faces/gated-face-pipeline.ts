import { Injectable } from '@nestjs/common';
import { DetectionResult, EmbeddedFace, EmbeddedFaces, FacePipeline } from './face-pipeline.js';
import { PipelineAdmission } from './pipeline-admission.js';

/**
 * The face pipeline behind the admission gate: what request handlers call, so that recognition,
 * verification and enrollment share one bound on pipeline work (and one 503 when it is full).
 */
@Injectable()
export class GatedFacePipeline {
  constructor(
    private readonly pipeline: FacePipeline,
    private readonly admission: PipelineAdmission,
  ) {}

  embedLargestFace(image: Buffer): Promise<EmbeddedFace> {
    return this.admission.run(() => this.pipeline.embedLargestFace(image));
  }

  /** A group photo takes one slot, however many faces it holds (at most max_faces are embedded). */
  embedFaces(image: Buffer, maxFaces: number): Promise<EmbeddedFaces> {
    return this.admission.run(() => this.pipeline.embedFaces(image, maxFaces));
  }

  detect(image: Buffer): Promise<DetectionResult> {
    return this.admission.run(() => this.pipeline.detect(image));
  }
}
