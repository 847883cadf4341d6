import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InferenceBackend } from '../inference/inference-backend.js';

@Injectable()
export class InferenceHealthIndicator {
  constructor(
    private readonly backend: InferenceBackend,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Up only when every model the pipeline needs reports ready. */
  async isHealthy(key = 'inference'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const models = await this.backend.status();
    const summary = Object.fromEntries(models.map((model) => [model.model, model.ready ? 'ready' : (model.reason ?? 'not ready')]));
    const ready = models.length > 0 && models.every((model) => model.ready);
    return ready ? indicator.up({ backend: this.backend.kind, models: summary }) : indicator.down({ backend: this.backend.kind, models: summary });
  }
}
