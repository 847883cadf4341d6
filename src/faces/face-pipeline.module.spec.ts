import { Test } from '@nestjs/testing';
import { ConfigModule } from '../config/config.module.js';
import { GalleryEmbedderModule } from '../gallery/gallery-embedder.module.js';
import { InferenceBackend, ModelStatus, TensorMap } from '../inference/inference-backend.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { Metrics } from '../metrics/metrics.js';
import { FacePipeline } from './face-pipeline.js';
import { FacePipelineModule } from './face-pipeline.module.js';
import { PipelineAdmission } from './pipeline-admission.js';

class IdleBackend extends InferenceBackend {
  readonly kind = 'onnx' as const;
  async infer(): Promise<TensorMap> {
    return {};
  }
  async status(): Promise<ModelStatus[]> {
    return [];
  }
}

describe('FacePipelineModule', () => {
  it("provides the pipeline, and reports the admission gate's load in /metrics as it is when scraped", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '4' }),
        GalleryEmbedderModule,
        MetricsModule,
        FacePipelineModule,
      ],
    })
      .overrideProvider(InferenceBackend)
      .useValue(new IdleBackend())
      .compile();
    const app = await moduleRef.init();
    try {
      expect(app.get(FacePipeline)).toBeInstanceOf(FacePipeline);
      const metrics = app.get(Metrics);
      const load = async () => {
        const text = await metrics.registry.metrics();
        return ['inflight', 'queued'].map((name) => Number(new RegExp(`^face_matrix_pipeline_${name} (\\d+)$`, 'm').exec(text)?.[1]));
      };
      expect(await load()).toEqual([0, 0]);

      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      const admission = app.get(PipelineAdmission);
      const runs = [admission.run(() => held), admission.run(() => held), admission.run(() => held)];
      expect(await load()).toEqual([1, 2]);
      finish();
      await Promise.all(runs);
      expect(await load()).toEqual([0, 0]);
    } finally {
      await app.close();
    }
  });
});
