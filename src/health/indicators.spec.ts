import { jest } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { PrismaService } from '../database/prisma.service.js';
import { InferenceBackend, ModelStatus, TensorMap } from '../inference/inference-backend.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { InferenceHealthIndicator } from './inference.health.js';

/** A backend that only answers status(), with whatever the test says. */
class StatusBackend extends InferenceBackend {
  readonly kind = 'triton' as const;
  constructor(private readonly models: ModelStatus[]) {
    super();
  }
  infer(): Promise<TensorMap> {
    throw new Error('not used');
  }
  async status(): Promise<ModelStatus[]> {
    return this.models;
  }
}

describe('InferenceHealthIndicator', () => {
  const check = (models: ModelStatus[]) => new InferenceHealthIndicator(new StatusBackend(models), new HealthIndicatorService()).isHealthy();

  it('is up when every model is ready, listing each', async () => {
    expect(
      await check([
        { model: 'face_detector', ready: true },
        { model: 'face_embedder', ready: true },
      ]),
    ).toEqual({
      inference: { status: 'up', backend: 'triton', models: { face_detector: 'ready', face_embedder: 'ready' } },
    });
  });

  it('is down when one model is not ready, with its reason', async () => {
    const result = await check([
      { model: 'face_detector', ready: true },
      { model: 'face_embedder', ready: false, reason: 'worker 2 of 2 stopped: ONNX Runtime worker exited' },
    ]);
    expect(result).toEqual({
      inference: {
        status: 'down',
        backend: 'triton',
        models: { face_detector: 'ready', face_embedder: 'worker 2 of 2 stopped: ONNX Runtime worker exited' },
      },
    });
  });

  it('is down when the backend reports no model at all', async () => {
    expect((await check([])).inference.status).toBe('down');
  });
});

describe('DatabaseHealthIndicator', () => {
  const startedDatabase = { ready: true, describe: () => 'ready' };
  const check = (ping: () => Promise<void>, startup = startedDatabase) =>
    new DatabaseHealthIndicator({ ping, startup } as unknown as PrismaService, new HealthIndicatorService()).isHealthy();

  it('is up when the database answers the ping', async () => {
    expect(await check(async () => undefined)).toEqual({ database: { status: 'up' } });
  });

  it('is down, without the driver message, when the ping fails', async () => {
    expect(await check(() => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')))).toEqual({
      database: { status: 'down', message: 'database did not answer' },
    });
  });

  it('is down, saying why, while the database is still starting, without pinging it', async () => {
    const starting = { ready: false, describe: () => 'waiting for PostgreSQL (attempt 3): connection refused' };
    const ping = jest.fn(async () => undefined);
    expect(await check(ping, starting)).toEqual({ database: { status: 'down', message: 'waiting for PostgreSQL (attempt 3): connection refused' } });
    expect(ping).not.toHaveBeenCalled();
  });
});
