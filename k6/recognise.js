// Load test of POST /api/v1/recognise_user, mirroring the original benchmark: constant-VU
// stages of 4, 8 and 12 virtual users, one after the other, each uploading random face photos.
//
//   k6 run -e IMAGES_DIR="$(realpath path/to/photos)" k6/recognise.js   (absolute: see lib/images.js)
//   env: BASE_URL (http://localhost:8080), API_KEY, STAGE_DURATION (1m), STAGE_GAP (10s), MAX_IMAGES (200)
//
// Pass criteria: p95 latency under 1 s and under 1% failed requests, overall and per stage.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { authHeaders, baseUrl, loadImages, randomItem } from './lib/images.js';
import { errorEnvelopeProblems, FACE_NOT_DETECTED, recogniseBodyProblems } from './lib/recognise-schema.js';

const images = loadImages();
const noFace = new Counter('recognise_no_face');
const matches = new Counter('recognise_match');
const noMatches = new Counter('recognise_no_match');

const STAGE_VUS = [4, 8, 12];
const stageDuration = __ENV.STAGE_DURATION || '1m';
const stageGap = __ENV.STAGE_GAP || '10s';

function seconds(duration) {
  const match = /^(\d+)(s|m)$/.exec(duration);
  if (!match) throw new Error(`durations are like 90s or 2m, got ${duration}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

const scenarios = {};
const thresholds = {
  http_req_duration: ['p(95)<1000'],
  http_req_failed: ['rate<0.01'],
  checks: ['rate>0.99'],
};
STAGE_VUS.forEach((vus, index) => {
  const name = `vus_${vus}`;
  scenarios[name] = {
    executor: 'constant-vus',
    vus,
    duration: stageDuration,
    startTime: `${index * (seconds(stageDuration) + seconds(stageGap))}s`,
    gracefulStop: '10s',
  };
  thresholds[`http_req_duration{scenario:${name}}`] = ['p(95)<1000'];
  thresholds[`http_req_failed{scenario:${name}}`] = ['rate<0.01'];
});

export const options = { scenarios, thresholds };

// A photo in which the detector finds no face is a correct 422, not a failed request.
http.setResponseCallback(http.expectedStatuses(200, 422));

export default function () {
  const image = randomItem(images);
  const response = http.post(
    `${baseUrl()}/api/v1/recognise_user`,
    { image: http.file(image.bytes, image.name, image.contentType) },
    { headers: authHeaders(), tags: { name: 'recognise_user' } },
  );
  if (response.status === 422) {
    noFace.add(1);
    check(response, { 'no face: 422 envelope with error_code 601': (r) => errorEnvelopeProblems(r.json(), FACE_NOT_DETECTED).length === 0 });
    return;
  }
  const body = response.status === 200 ? response.json() : null;
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body matches the recognise_user schema': () => body !== null && recogniseBodyProblems(body).length === 0,
    'x-request-id header echoes requestId': (r) => body !== null && r.headers['X-Request-Id'] === body.requestId,
  });
  if (body && body.status === 'success') matches.add(1);
  if (body && body.status === 'failure') noMatches.add(1);
}
