import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from '../database/prisma.service.js';
import { InferenceBackend } from '../inference/inference-backend.js';
import { ServingState } from './serving-state.js';

/**
 * Can THIS replica serve? Only what lives in this process counts: not draining, the in-process
 * models (ONNX backend) and the embedded database. A shared PostgreSQL or Triton does not: when one
 * of those is down, every replica would turn unready at once and the Service would lose all its
 * endpoints, so clients would get connection errors instead of the 503 envelopes that tell them to
 * retry. Shared dependencies are reported by /health/ready and by face_matrix_dependency_up.
 */
@Injectable()
export class ServingHealthIndicator {
  constructor(
    private readonly state: ServingState,
    private readonly config: AppConfig,
    private readonly backend: InferenceBackend,
    private readonly prisma: PrismaService,
    private readonly health: HealthIndicatorService,
  ) {}

  async isServing(key = 'serving'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (this.state.draining) return indicator.down({ message: 'draining: shutting down after SIGTERM' });
    const problems = [...(await this.localModelProblems()), ...(await this.embeddedDatabaseProblems())];
    return problems.length === 0 ? indicator.up() : indicator.down({ message: problems.join('; ') });
  }

  private async localModelProblems(): Promise<string[]> {
    if (this.backend.kind !== 'onnx') return [];
    const models = await this.backend.status();
    if (models.length === 0) return ['no model loaded'];
    return models.filter((model) => !model.ready).map((model) => `${model.model}: ${model.reason ?? 'not ready'}`);
  }

  private async embeddedDatabaseProblems(): Promise<string[]> {
    if (!this.config.usesEmbeddedDatabase) return [];
    try {
      await this.prisma.ping();
      return [];
    } catch {
      return ['embedded database did not answer'];
    }
  }
}
