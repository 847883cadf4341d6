import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { validateEnvironment } from '../config/environment.js';
import type { PrismaService } from '../database/prisma.service.js';
import { InferenceBackend, ModelStatus } from '../inference/inference-backend.js';
import { ServingHealthIndicator } from './serving.health.js';
import { ServingState } from './serving-state.js';

function indicatorFor(options: { kind: 'onnx' | 'triton'; models: ModelStatus[]; databaseUrl?: string; pingFails?: boolean }) {
  const state = new ServingState();
  const config = new AppConfig(validateEnvironment(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}));
  const backend = { kind: options.kind, status: async () => options.models } as unknown as InferenceBackend;
  let pings = 0;
  const prisma = {
    ping: async () => {
      pings++;
      if (options.pingFails) throw new Error('down');
    },
  } as unknown as PrismaService;
  const indicator = new ServingHealthIndicator(state, config, backend, prisma, new HealthIndicatorService());
  return { indicator, state, pings: () => pings };
}

const ready: ModelStatus[] = [{ model: 'face_detector', ready: true }];

describe('ServingHealthIndicator', () => {
  it('is up when the in-process models are ready, and down with the reason once draining', async () => {
    const { indicator, state } = indicatorFor({ kind: 'onnx', models: ready });
    expect(await indicator.isServing()).toEqual({ serving: { status: 'up' } });
    state.startDraining();
    expect(await indicator.isServing()).toEqual({ serving: { status: 'down', message: expect.stringMatching(/draining/) } });
  });

  it('is down when an in-process model is not ready', async () => {
    const { indicator } = indicatorFor({ kind: 'onnx', models: [{ model: 'face_embedder', ready: false, reason: 'ONNX Runtime workers stopped' }] });
    expect(await indicator.isServing()).toEqual({ serving: { status: 'down', message: 'face_embedder: ONNX Runtime workers stopped' } });
  });

  it('ignores shared dependencies: Triton models and an external database', async () => {
    const { indicator, pings } = indicatorFor({
      kind: 'triton',
      models: [{ model: 'face_embedder', ready: false, reason: 'UNAVAILABLE' }],
      databaseUrl: 'postgresql://u@db.example/face',
      pingFails: true,
    });
    expect(await indicator.isServing()).toEqual({ serving: { status: 'up' } });
    expect(pings()).toBe(0);
  });

  it('counts the embedded database, which lives in this process', async () => {
    const { indicator } = indicatorFor({ kind: 'onnx', models: ready, pingFails: true });
    expect(await indicator.isServing()).toEqual({ serving: { status: 'down', message: 'embedded database did not answer' } });
  });
});
