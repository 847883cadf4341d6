import request from 'supertest';
import { PipelineAdmission } from '../src/faces/pipeline-admission.js';
import { npmSamplePhoto } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface Answer {
  status: number;
  errorCode?: number;
  retryAfter?: string;
  elapsedMs: number;
}

/** A 1920 px group photo: detection runs on several tiles, so each request holds the pipeline a while. */
const bigPhoto = npmSamplePhoto(1);

async function fire(t: TestApp, count: number): Promise<Answer[]> {
  const started = Date.now();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await request(t.http).post('/api/v1/detect').attach('image', bigPhoto, 'group.jpg').timeout(60_000);
      return {
        status: response.status,
        errorCode: response.body.error_code,
        retryAfter: response.headers['retry-after'],
        elapsedMs: Date.now() - started,
      };
    }),
  );
}

describe('overload', () => {
  it('with the queue full, answers 503 with Retry-After at once, hangs nothing, and recovers', async () => {
    const t = await startTestApp({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '2', PIPELINE_TIMEOUT_MS: '60000' });
    try {
      const answers = await fire(t, 12);
      const served = answers.filter((answer) => answer.status === 200);
      const refused = answers.filter((answer) => answer.status === 503);
      expect(served.length + refused.length).toBe(answers.length);
      expect(served.length).toBeGreaterThanOrEqual(3); // one running + two queued
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const answer of refused) {
        expect(answer.errorCode).toBe(505);
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      // Refusals come before the queue has drained: faster than the slowest served request.
      expect(Math.max(...refused.map((a) => a.elapsedMs))).toBeLessThan(Math.max(...served.map((a) => a.elapsedMs)));

      expect(t.app.get(PipelineAdmission).load).toEqual({ inflight: 0, queued: 0 });
      await request(t.http).post('/api/v1/detect').attach('image', bigPhoto, 'group.jpg').expect(200);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('times pipeline work out with a 503 (error_code 507) and keeps serving', async () => {
    // 100 ms is below what one big photo takes, so queued requests and most running ones time out.
    const t = await startTestApp({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '10', PIPELINE_TIMEOUT_MS: '100' });
    try {
      const answers = await fire(t, 4);
      const timedOut = answers.filter((answer) => answer.status === 503);
      expect(timedOut.length).toBeGreaterThanOrEqual(2);
      for (const answer of timedOut) {
        expect(answer.errorCode).toBe(507);
        expect(answer.retryAfter).toBeDefined();
      }
      // Timed-out work still holds its slot until it really ends; then everything is free again.
      const admission = t.app.get(PipelineAdmission);
      const deadline = Date.now() + 30_000;
      while (admission.load.inflight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(admission.load).toEqual({ inflight: 0, queued: 0 });
    } finally {
      await t.close();
    }
    const relaxed = await startTestApp({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '10' });
    try {
      expect((await fire(relaxed, 3)).map((answer) => answer.status)).toEqual([200, 200, 200]);
    } finally {
      await relaxed.close();
    }
  }, 120_000);
});
