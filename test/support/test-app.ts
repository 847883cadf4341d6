import 'reflect-metadata';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from 'supertest/types.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import type { DatabaseEngine } from './database-engines.js';
import { seedEmbeddedDataDir } from './embedded-template.js';
import { sharedPostgres } from './real-postgres.js';

export interface TestApp {
  app: INestApplication;
  http: App;
  dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The real app (real modules, real models) on a fresh data dir, configured exactly as main.ts
 * does, minus the listening port. The `postgres` engine gives it a fresh database of its own on
 * the real PostgreSQL test cluster (dropped by `close`) unless `env` names a DATABASE_URL.
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: { logger?: LoggerService; engine?: DatabaseEngine; waitForDatabase?: boolean } = {},
): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'face-matrix-test-')));
  const database = options.engine === 'postgres' && env.DATABASE_URL === undefined ? await sharedPostgres().createDatabase() : undefined;
  if (env.DATA_DIR === undefined && !database && !env.DATABASE_URL) await seedEmbeddedDataDir(dataDir);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ LOG_LEVEL: 'error', ...env, DATA_DIR: dataDir, ...(database ? { DATABASE_URL: database.url } : {}) })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: options.logger ?? ['error'] });
  configureApp(app);
  await app.init();
  // An external database is migrated in the background; tests start once it is done, unless they watch the start itself.
  if (options.waitForDatabase !== false) await app.get(PrismaService).started;
  return {
    app,
    http: app.getHttpServer() as App,
    dataDir,
    close: async (options) => {
      await app.close();
      await database?.drop();
      if (!options?.keepData && env.DATA_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A unit vector of the embedding size, with a seeded generator so failures reproduce. */
export function randomUnitVector(seed: number, dimension = 512): Float32Array {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  const vector = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    vector[i] = next();
    norm += vector[i] * vector[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) vector[i] /= norm;
  return vector;
}

export const sampleFace = (seed: number) => ({
  embedding: randomUnitVector(seed),
  detectionScore: 0.99,
  box: { x: 10, y: 20, width: 90, height: 110 },
  quality: 0.9,
});
