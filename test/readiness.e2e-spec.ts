import request from 'supertest';
import { cropPortrait, npmSamplePhoto } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { eventually, startTritonTestStack, TritonTestStack } from './support/triton-test-stack.js';
import { waitFor, WirePostgres } from './support/wire-postgres.js';

/*
 * The readiness contract of docs/deployment.md, with each shared dependency stopped in turn:
 * - GET /health/serving (the Kubernetes readinessProbe) stays 200: the replica can still answer,
 *   so the Service keeps its endpoints and clients get 503 envelopes, not connection errors;
 * - GET /health/ready (API.md) answers 503 and names the dependency that is down;
 * - API requests that need it get 503 with Retry-After; face_matrix_dependency_up says 0.
 * Draining after SIGTERM, which does fail /health/serving, is in rollout.e2e-spec.ts.
 */

async function dependencyUp(t: TestApp): Promise<Record<string, number>> {
  const text = (await request(t.http).get('/metrics').expect(200)).text;
  const entries = [...text.matchAll(/^face_matrix_dependency_up\{dependency="(\w+)"\} (\d)$/gm)].map((match) => [match[1], Number(match[2])]);
  return Object.fromEntries(entries);
}

async function expectServingButNotReady(t: TestApp, down: 'database' | 'inference'): Promise<void> {
  const serving = await request(t.http).get('/health/serving').expect(200);
  expect(serving.body).toMatchObject({ status: 'ok', details: { serving: { status: 'up' } } });
  const ready = await request(t.http).get('/health/ready').expect(503);
  expect(ready.body).toMatchObject({ status: 'error', error_code: 506, details: { serving: { status: 'up' }, [down]: { status: 'down' } } });
  expect(ready.headers['retry-after']).toBeDefined();
  await request(t.http).get('/health/live').expect(200);
}

describe('readiness with each shared dependency stopped in turn', () => {
  let postgres: WirePostgres;
  let stack: TritonTestStack;
  let t: TestApp;
  let face: Buffer;

  // One app on both shared dependencies: an external PostgreSQL and Triton (the KServe stand-in).
  beforeAll(async () => {
    postgres = await WirePostgres.start();
    stack = await startTritonTestStack();
    t = await startTestApp({
      DATABASE_URL: postgres.url,
      DATABASE_POOL_MAX: '1',
      INFERENCE_BACKEND: 'triton',
      TRITON_GRPC_URL: stack.server.url,
      TRITON_TIMEOUT_MS: '2000',
    });
    const photo = npmSamplePhoto(2);
    const detected = await request(t.http).post('/api/v1/detect').attach('image', photo, 'g.jpg').expect(200);
    face = await cropPortrait(photo, detected.body.faces[0].box);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await stack?.close();
    await postgres?.close();
  });

  it('database down: /health/serving stays 200, /health/ready fails on the database, requests get 503 + Retry-After; it recovers', async () => {
    await request(t.http).get('/health/serving').expect(200);
    await request(t.http).get('/health/ready').expect(200);
    expect(await dependencyUp(t)).toEqual({ database: 1, inference: 1 });

    await postgres.stop();
    try {
      await expectServingButNotReady(t, 'database');
      const recognised = await request(t.http).post('/api/v1/recognise_user').attach('image', face, 'f.jpg').timeout(30_000).expect(503);
      expect(recognised.body).toMatchObject({ status: 'error', error_code: 503, requestId: expect.any(String) });
      expect(recognised.headers['retry-after']).toBe('5');
      const users = await request(t.http).get('/api/v1/users').timeout(30_000).expect(503);
      expect(users.body.error_code).toBe(503);
      // What needs no database still serves.
      await request(t.http).post('/api/v1/detect').attach('image', face, 'f.jpg').expect(200);
      expect(await dependencyUp(t)).toEqual({ database: 0, inference: 1 });
    } finally {
      await postgres.start();
    }
    await waitFor(async () => (await request(t.http).get('/health/ready')).status === 200);
    await request(t.http).post('/api/v1/recognise_user').attach('image', face, 'f.jpg').expect(200);
    expect(await dependencyUp(t)).toEqual({ database: 1, inference: 1 });
  }, 120_000);

  it('Triton down: /health/serving stays 200, /health/ready fails on inference, requests get 503 (504) + Retry-After; it recovers', async () => {
    await request(t.http).get('/health/ready').expect(200);
    await stack.server.stop();
    try {
      await expectServingButNotReady(t, 'inference');
      const recognised = await request(t.http).post('/api/v1/recognise_user').attach('image', face, 'f.jpg').timeout(30_000).expect(503);
      expect(recognised.body).toMatchObject({ status: 'error', error_code: 504 });
      expect(recognised.headers['retry-after']).toBe('5');
      // What needs no model still serves.
      await request(t.http).get('/api/v1/users').expect(200);
      expect(await dependencyUp(t)).toEqual({ database: 1, inference: 0 });
    } finally {
      await stack.server.start();
    }
    await eventually(async () => {
      if ((await request(t.http).get('/health/ready')).status !== 200) throw new Error('not ready yet');
    }, 15_000);
    await request(t.http).post('/api/v1/recognise_user').attach('image', face, 'f.jpg').expect(200);
    expect(await dependencyUp(t)).toEqual({ database: 1, inference: 1 });
  }, 120_000);
});
