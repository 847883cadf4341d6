import request from 'supertest';
import { freePort } from './support/compiled-app.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { describeEachEngine, startStoppableDatabase, StoppableDatabase } from './support/database-engines.js';
import { startTestApp } from './support/test-app.js';
import { waitFor } from './support/wire-postgres.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

describeEachEngine('the database goes away under recognise traffic', (engine) => {
  let postgres: StoppableDatabase;

  beforeAll(async () => {
    postgres = await startStoppableDatabase(engine);
  });
  afterAll(() => postgres.close());

  it('answers 200 or 503 (never 500, never a hang) while it is down, and recovers without a restart', async () => {
    const t = await startTestApp(postgres.env);
    try {
      const photo = npmSamplePhoto(2);
      const detected = await request(t.http).post('/api/v1/detect').attach('image', photo, 'g.jpg').expect(200);
      const face = await cropPortrait(photo, (detected.body.faces as DetectedFace[])[0].box);
      const probe = await transformedCopy(face);
      await request(t.http)
        .post('/api/v1/add_user')
        .field('name', 'Remote Face')
        .field('birthdate', '1991-01-01')
        .attach('image', face, 'f.jpg')
        .expect(201);
      const recognise = () => request(t.http).post('/api/v1/recognise_user').attach('image', probe, 'p.jpg').timeout(30_000);

      // A steady stream of requests; the database stops in the middle of it.
      const statuses: number[] = [];
      const codes = new Set<number>();
      let stopAfter = 3;
      let downAnswers = 0;
      while (downAnswers < 3) {
        const response = await recognise();
        statuses.push(response.status);
        if (response.status === 503) {
          codes.add(response.body.error_code);
          expect(response.headers['retry-after']).toBeDefined();
          downAnswers++;
        }
        if (--stopAfter === 0) await postgres.stop();
        expect(statuses.length).toBeLessThan(40);
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(new Set(statuses)).toEqual(new Set([200, 503]));
      expect(codes).toEqual(new Set([503]));
      await request(t.http).get('/health/live').expect(200);

      await postgres.start();
      await waitFor(async () => (await recognise()).status === 200);
      const back = await recognise().expect(200);
      expect(back.body).toMatchObject({ status: 'success', user_info: { name: 'Remote Face' } });
    } finally {
      await t.close();
    }
  }, 120_000);
});

describe('the inference backend is unreachable', () => {
  it('answers 503 (error_code 504) with Retry-After; readiness says why; the rest of the API serves', async () => {
    const deadPort = await freePort(); // nothing listens there
    const t = await startTestApp({ INFERENCE_BACKEND: 'triton', TRITON_GRPC_URL: `127.0.0.1:${deadPort}`, TRITON_TIMEOUT_MS: '1000' });
    try {
      for (const route of ['recognise_user', 'detect']) {
        const response = await request(t.http).post(`/api/v1/${route}`).attach('image', npmSamplePhoto(2), 'g.jpg').timeout(30_000).expect(503);
        expect(response.body).toMatchObject({ status: 'error', error_code: 504 });
        expect(response.headers['retry-after']).toBeDefined();
        expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|grpc|stack/i);
      }
      const ready = await request(t.http).get('/health/ready').expect(503);
      expect(ready.body.details.inference.status).toBe('down');
      await request(t.http).get('/api/v1/users').expect(200);
    } finally {
      await t.close();
    }
  }, 90_000);
});
