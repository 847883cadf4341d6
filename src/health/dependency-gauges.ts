import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { InferenceHealthIndicator } from './inference.health.js';
import { ServingState } from './serving-state.js';

/** A scrape must answer even when a dependency hangs: a check that takes longer counts as down. */
const CHECK_TIMEOUT_MS = 3000;

/**
 * face_matrix_dependency_up{dependency} and face_matrix_draining, read on each scrape. Readiness no
 * longer follows the shared database and Triton (see ServingHealthIndicator), so this is where an
 * outage shows up for alerting, next to /health/ready.
 */
@Injectable()
export class DependencyGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly database: DatabaseHealthIndicator,
    private readonly inference: InferenceHealthIndicator,
    private readonly state: ServingState,
  ) {}

  onModuleInit(): void {
    const checks = { database: () => this.database.isHealthy(), inference: () => this.inference.isHealthy() };
    new Gauge({
      name: 'face_matrix_dependency_up',
      help: 'Whether a dependency answers (1) or not (0), checked on scrape: database, inference backend',
      labelNames: ['dependency'] as const,
      registers: [this.metrics.registry],
      async collect() {
        await Promise.all(Object.entries(checks).map(async ([dependency, check]) => this.set({ dependency }, (await isUp(check)) ? 1 : 0)));
      },
    });
    const state = this.state;
    new Gauge({
      name: 'face_matrix_draining',
      help: '1 from SIGTERM until exit: in-flight requests finish, readiness fails',
      registers: [this.metrics.registry],
      collect() {
        this.set(state.draining ? 1 : 0);
      },
    });
  }
}

async function isUp(check: () => Promise<Record<string, { status: string }>>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    const result = await Promise.race([check().then((report) => Object.values(report).every((entry) => entry.status === 'up')), timeout]);
    return result;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
