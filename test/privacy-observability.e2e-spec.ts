import request from 'supertest';
import { createLogger } from '../src/app.setup.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { DEFAULT_FACE_PIPELINE_OPTIONS } from '../src/faces/face-pipeline.js';
import { FACE_MODELS } from '../src/inference/model-repository.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

/** Everything written to stdout and stderr until stop(): the app's JSON logs (kept out of the test report). */
function captureOutput() {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = tap;
  process.stderr.write = tap;
  return {
    text: () => chunks.join(''),
    stop: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

/** Any array of 64+ numbers anywhere in a body: an embedding would be one. */
function containsVector(value: unknown): boolean {
  if (Array.isArray(value)) return (value.length >= 64 && value.every((v) => typeof v === 'number')) || value.some(containsVector);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsVector);
  return false;
}

describe('privacy and observability through a recognise + enroll flow', () => {
  let t: TestApp;
  let output: ReturnType<typeof captureOutput>;
  const bodies: unknown[] = [];
  let alice: Buffer;
  let reqId: string;
  let userId: string;
  let metricsText: string;

  const keep = <T extends { body: unknown }>(response: T): T => {
    bodies.push(response.body);
    return response;
  };

  beforeAll(async () => {
    output = captureOutput();
    t = await startTestApp({ LOG_LEVEL: 'verbose' }, { logger: createLogger('verbose') });
    const photo = npmSamplePhoto(2);
    const detected = keep(await request(t.http).post('/api/v1/detect').attach('image', photo, 'g.jpg').expect(200));
    alice = await cropPortrait(photo, (detected.body.faces as DetectedFace[])[0].box);
    const bobPhoto = npmSamplePhoto(3);
    const bobBox = ((await request(t.http).post('/api/v1/detect').attach('image', bobPhoto, 'g.jpg')).body.faces as DetectedFace[])[0].box;
    const bob = await cropPortrait(bobPhoto, bobBox);

    const miss = keep(await request(t.http).post('/api/v1/recognise_user').attach('image', alice, 'a.jpg').expect(200));
    reqId = miss.body.req_id;
    const created = keep(
      await request(t.http)
        .post('/api/v1/add_user')
        .send({ name: 'Private Person', birthdate: '1980-02-03', email: 'private@example.com', req_id: reqId })
        .expect(201),
    );
    userId = created.body.user_id;
    keep(
      await request(t.http)
        .post('/api/v1/recognise_user')
        .attach('image', await transformedCopy(alice), 'a.jpg')
        .expect(200),
    );
    keep(await request(t.http).post('/api/v1/recognise_user').attach('image', bob, 'b.jpg').expect(200)); // a no-match parks a vector
    keep(await request(t.http).post('/api/v1/add_user').send({ name: 'Again', birthdate: '1980-02-03', req_id: reqId }).expect(404));
    keep(await request(t.http).post('/api/v1/recognise_user').attach('image', Buffer.from('not an image'), 'x.jpg').expect(415));
    keep(await request(t.http).post('/api/v1/verify').field('user_id', userId).attach('image', alice, 'a.jpg').expect(200));
    keep(await request(t.http).get(`/api/v1/users/${userId}`).expect(200));
    metricsText = (
      await request(t.http)
        .get('/metrics')
        .expect(200)
        .expect('content-type', /^text\/plain/)
    ).text;
    keep(await request(t.http).delete(`/api/v1/users/${userId}`).expect(204));
  }, 120_000);

  afterAll(async () => {
    output.stop();
    await t.close();
  });

  it('captured the JSON request logs (so the checks below look at something)', () => {
    const lines = output
      .text()
      .split('\n')
      .filter((line) => line.includes('"context":"HTTP"'));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.some((line) => line.includes('/api/v1/recognise_user') && line.includes('"requestId"'))).toBe(true);
  });

  it('logs no req_id, no embedding, no image bytes and no personal fields', () => {
    const logs = output.text();
    expect(logs).not.toContain(reqId);
    expect(logs).not.toMatch(/(-?\d\.\d{3,}\s*,\s*){16}/); // a run of floats
    expect(logs).not.toMatch(/embedding/i);
    for (const encoding of ['base64', 'hex', 'latin1'] as const) expect(logs).not.toContain(alice.subarray(200, 248).toString(encoding));
    expect(logs).not.toContain('JFIF');
    expect(logs).not.toContain('private@example.com');
    expect(logs).not.toContain('Private Person');
  });

  it('returns no embedding in any response', () => {
    for (const body of bodies) {
      expect(JSON.stringify(body ?? {})).not.toMatch(/embedding|vector/i);
      expect(containsVector(body)).toBe(false);
    }
  });

  it('DELETE erased every vector of the person', async () => {
    const [{ count }] = await t.app
      .get(PrismaService)
      .$queryRawUnsafe<{ count: number }[]>(`SELECT count(*)::int AS count FROM faces WHERE user_id = $1::uuid`, userId);
    expect(count).toBe(0);
  });

  it('counts and times requests per route template and status', () => {
    expect(metricsText).toMatch(/face_matrix_http_requests_total\{method="POST",route="\/api\/v1\/recognise_user",status="200"\} 3\b/);
    expect(metricsText).toMatch(/face_matrix_http_requests_total\{method="POST",route="\/api\/v1\/recognise_user",status="415"\} 1\b/);
    expect(metricsText).toMatch(/face_matrix_http_requests_total\{method="GET",route="\/api\/v1\/users\/:id",status="200"\} 1\b/);
    expect(metricsText).toMatch(
      /face_matrix_http_request_duration_seconds_bucket\{le="0\.5",method="POST",route="\/api\/v1\/recognise_user",status="200"\} \d+/,
    );
    expect(metricsText).not.toContain(userId); // ids never become labels
  });

  it('times inference per model', () => {
    // The shipped pipeline aligns on one landmark model; the other is loaded for comparison only.
    const unused = DEFAULT_FACE_PIPELINE_OPTIONS.onetAlignment ? FACE_MODELS.landmarks : FACE_MODELS.landmarks5;
    for (const model of Object.values(FACE_MODELS).filter((name) => name !== unused)) {
      const count = new RegExp(`face_matrix_inference_duration_seconds_count\\{model="${model}",backend="onnx",outcome="ok"\\} (\\d+)`).exec(
        metricsText,
      );
      expect(Number(count?.[1])).toBeGreaterThan(0);
    }
  });

  it('reports gallery size, enrollment-cache size and pipeline load', () => {
    expect(metricsText).toMatch(/^face_matrix_gallery_faces 1$/m);
    expect(metricsText).toMatch(/^face_matrix_enrollment_cache_entries 1$/m);
    expect(metricsText).toMatch(/^face_matrix_pipeline_inflight 0$/m);
    expect(metricsText).toMatch(/^face_matrix_process_resident_memory_bytes \d+/m);
  });

  it('documents /metrics in Swagger', async () => {
    const { body } = await request(t.http).get('/api/docs-json').expect(200);
    expect(body.paths['/metrics'].get.responses['200']).toBeDefined();
  });
});
