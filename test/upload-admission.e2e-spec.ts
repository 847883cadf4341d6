import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { largePhotos, overload } from '../bench/lib/overload.js';
import { percentile } from '../bench/lib/stats.js';
import { EnrollmentCacheService } from '../src/cache/enrollment-cache.service.js';
import { PipelineAdmission } from '../src/faces/pipeline-admission.js';
import { compileApp, spawnApp } from './support/compiled-app.js';
import { npmSamplePhoto } from './support/face-photos.js';
import { listenOnLoopback } from './support/raw-http.js';
import { randomUnitVector, startTestApp, TestApp } from './support/test-app.js';
import { seedEmbeddedDataDir } from './support/embedded-template.js';

const BOUNDARY = 'face-matrix-upload';
const multipartHead = Buffer.from(
  `--${BOUNDARY}\r\ncontent-disposition: form-data; name="image"; filename="p.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
);

interface Answer {
  status: number;
  errorCode?: number;
  retryAfter?: string;
}

/** Sends headers and only the first part of a large upload, then waits: an answer now came before the upload was read. */
function partialUpload(port: number, path: string, declaredBytes: number, sentBytes: number, waitMs: number): Promise<Answer | 'no answer'> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      agent: false,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': declaredBytes },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, waitMs);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        resolve({ status: response.statusCode ?? 0, errorCode: body.error_code, retryAfter: response.headers['retry-after'] });
      });
    });
    req.on('error', (error) => (String(error).includes('socket hang up') ? undefined : reject(error)));
    req.write(Buffer.concat([multipartHead, Buffer.alloc(sentBytes - multipartHead.length, 0xab)]));
  });
}

describe('upload admission', () => {
  let t: TestApp;
  let port: number;
  let admission: PipelineAdmission;
  beforeAll(async () => {
    t = await startTestApp({
      MAX_INFLIGHT_RECOGNITIONS: '1',
      MAX_QUEUED_RECOGNITIONS: '1',
      PIPELINE_TIMEOUT_MS: '60000',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    port = await listenOnLoopback(t);
    admission = t.app.get(PipelineAdmission);
  });
  afterAll(() => t.close());

  /** Takes the one slot and the one queue place with work that ends only when told. */
  function fillPipeline(): () => Promise<void> {
    const running: (() => void)[] = [];
    const works = [0, 1].map(() => admission.run(() => new Promise<void>((resolve) => running.push(resolve))));
    return async () => {
      // The queued work starts only once the first ends: end each as it comes.
      for (let ended = 0; ended < works.length;) {
        const end = running.shift();
        if (end) {
          end();
          ended++;
        } else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await Promise.all(works);
    };
  }

  it('refuses an upload with 503 (505) before reading it when the pipeline queue is full', async () => {
    const release = fillPipeline();
    try {
      expect(admission.isFull).toBe(true);
      for (const path of [
        '/api/v1/recognise_user',
        '/api/v1/detect',
        '/api/v1/verify',
        '/api/v1/add_user',
        '/api/v1/users/3f2504e0-4f89-41d3-9a0c-0305e82c3301/faces',
      ]) {
        // 8 MB declared, 64 KB sent: only a server that answers before reading the body can answer at all.
        const answer = await partialUpload(port, path, 8 * 1024 * 1024, 64 * 1024, 5_000);
        expect({ path, answer }).toEqual({ path, answer: { status: 503, errorCode: 505, retryAfter: expect.stringMatching(/^\d+$/) } });
      }
    } finally {
      await release();
    }
    expect(admission.load).toEqual({ inflight: 0, queued: 0 });
    await request(t.http).post('/api/v1/detect').attach('image', npmSamplePhoto(2), 'p.jpg').expect(200);
  });

  it('still takes JSON enrollments, which need no pipeline, while it is full', async () => {
    const metadata = { detection_score: 0.99, box: { x: 1, y: 2, width: 90, height: 110 }, face_size_px: 110, quality: 0.9 };
    const key = await t.app.get(EnrollmentCacheService).issue(randomUnitVector(4242), metadata);
    const release = fillPipeline();
    try {
      await request(t.http).post('/api/v1/add_user').send({ name: 'Queue Jumper', birthdate: '1990-01-01', req_id: key.reqId }).expect(201);
    } finally {
      await release();
    }
  });
});

describe('liveness under overload', () => {
  const CLIENTS = 30;
  /**
   * The target is 100 ms, measured by `npm run bench:liveness` (uploaders at lower priority, as remote
   * clients take no CPU from the server). Here they share the cores at full priority, and Jest runs
   * beside them: this bound catches a regression (p99 366 ms before pixel steps took turns, about
   * 115 ms with them on worker threads, uploaders at equal priority and nothing else running).
   */
  const P99_BOUND_MS = Number(process.env.LIVENESS_P99_BOUND_MS ?? 300);
  let build: ReturnType<typeof compileApp>;
  let dataDir: string;
  beforeAll(async () => {
    build = compileApp();
    dataDir = await mkdtemp(path.join(tmpdir(), 'face-matrix-liveness-'));
    await seedEmbeddedDataDir(dataDir);
  });
  afterAll(async () => {
    build?.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`answers /health/live fast while ${CLIENTS} clients send large photos to a full pipeline`, async () => {
    // The server in its own process, as in production, so the clients' work here cannot slow it.
    const loadBefore = loadavg()[0];
    const server = await spawnApp(build.mainJs, dataDir, { RATE_LIMIT_PER_MINUTE: '0', MAX_QUEUED_RECOGNITIONS: '8', LOG_LEVEL: 'warn' });
    try {
      const report = await overload(server.url, await largePhotos([1, 3, 6].map(npmSamplePhoto)), CLIENTS, 8_000);
      console.log(report.summary);
      // Every probe answered 200 (overload throws otherwise), the pipeline really was overloaded, nothing failed.
      expect(report.probes.length).toBeGreaterThan(0);
      expect(report.refused.length).toBeGreaterThan(0);
      expect(report.statuses.filter((status) => ![200, 422, 503].includes(status))).toEqual([]);
      // Other processes' load (measured before this run) slows every thread here alike; the latency is checked
      // only where other work left the cores mostly free, as on CI. `npm run bench:liveness` measures it anywhere.
      if (loadBefore < cpus().length + 1) {
        expect(report.probes.length).toBeGreaterThan(50);
        expect(percentile(report.probes, 99)).toBeLessThan(P99_BOUND_MS);
      } else console.log(`latency bound not checked: load average ${loadBefore.toFixed(1)} on ${cpus().length} cores before the run`);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }, 300_000);
});
