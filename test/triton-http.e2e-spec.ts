import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import request from 'supertest';
import { samplePhotoPath } from './support/real-model-inputs.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { eventually, startTritonTestStack, TritonTestStack } from './support/triton-test-stack.js';

/*
 * The HTTP API with INFERENCE_BACKEND=triton, against the in-process KServe server over ONNX
 * Runtime: recognise -> enroll -> match, then Triton down (503, then recovery without a restart)
 * and Triton slow (deadline exceeded -> 503). The same flows on the ONNX backend are in
 * recognition.e2e-spec.ts.
 */

// Generous: a large photo sends many detector calls at once, and the stand-in server shares this
// process (and a busy 2-core machine) with the app; the slow-call test waits twice this long.
const TIMEOUT_MS = 4000;

let stack: TritonTestStack;
let t: TestApp;
let photo: Buffer;
let samePersonAgain: Buffer;

const recognise = (image: Buffer) => request(t.http).post('/api/v1/recognise_user').attach('image', image, 'photo.jpg');

function expectInferenceUnavailable(response: request.Response): void {
  expect(response.status).toBe(503);
  expect(response.body).toMatchObject({ status: 'error', error_code: 504, requestId: expect.any(String) });
  expect(response.headers['retry-after']).toBeDefined();
}

beforeAll(async () => {
  stack = await startTritonTestStack();
  t = await startTestApp({ INFERENCE_BACKEND: 'triton', TRITON_GRPC_URL: stack.server.url, TRITON_TIMEOUT_MS: String(TIMEOUT_MS) });
  photo = readFileSync(samplePhotoPath(2));
  // The same people as a client might resend them: mirrored, smaller, re-encoded.
  samePersonAgain = await sharp(photo).flop().resize({ width: 1300 }).jpeg({ quality: 80 }).toBuffer();
}, 120_000);

afterAll(async () => {
  await t?.close();
  await stack?.close();
});

it('is ready with the Triton backend and its models', async () => {
  const response = await request(t.http).get('/health/ready').expect(200);
  expect(JSON.stringify(response.body)).toContain('triton');
});

it('recognises, enrolls by req_id and then matches, with every model run on the KServe server', async () => {
  const inferencesBefore = stack.server.inferCount;
  const first = await recognise(photo).expect(200);
  expect(first.body).toMatchObject({ status: 'failure', message: 'no_match', user_info: null });
  expect(stack.server.inferCount).toBeGreaterThan(inferencesBefore);

  const added = await request(t.http)
    .post('/api/v1/add_user')
    .send({ name: 'Via Triton', birthdate: '1980-02-29', req_id: first.body.req_id })
    .expect(201);

  const again = await recognise(samePersonAgain).expect(200);
  expect(again.body).toMatchObject({ status: 'success', message: 'Match found', user_info: { id: added.body.user_id, name: 'Via Triton' } });
});

it('answers 503 while Triton is down and recovers without a restart', async () => {
  await stack.server.stop();
  try {
    expectInferenceUnavailable(await recognise(samePersonAgain));
    await request(t.http).get('/health/ready').expect(503);
    await request(t.http).get('/health/live').expect(200);
  } finally {
    await stack.server.start();
  }
  const recovered = await eventually(async () => {
    const response = await recognise(samePersonAgain);
    if (response.status !== 200) throw new Error(`still ${response.status}`);
    return response;
  });
  expect(recovered.body.status).toBe('success');
  await request(t.http).get('/health/ready').expect(200);
});

it('answers 503 when Triton is slower than the deadline', async () => {
  stack.server.delayMs = TIMEOUT_MS * 2;
  try {
    expectInferenceUnavailable(await recognise(photo));
  } finally {
    stack.server.delayMs = 0;
  }
});
