// Enrollment scenario: recognise a random photo; on no_match, enroll the face with the req_id the
// service returned (POST /api/v1/add_user), as a client would. Repeated photos then match.
//
//   k6 run -e IMAGES_DIR="$(realpath path/to/photos)" k6/enroll.js   (absolute: see lib/images.js)
//   env: BASE_URL, API_KEY, VUS (4), DURATION (1m), MAX_IMAGES (200)
//
// Two VUs may enroll the same person at once; the second gets 409 (face already enrolled),
// which is the service's correct answer to that race, not a failure.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { authHeaders, baseUrl, loadImages, randomItem } from './lib/images.js';
import { addUserBodyProblems, errorEnvelopeProblems, FACE_NOT_DETECTED, recogniseBodyProblems } from './lib/recognise-schema.js';

const images = loadImages();
const enrolled = new Counter('enroll_added');
const alreadyKnown = new Counter('enroll_already_known');
const conflicts = new Counter('enroll_conflict');

export const options = {
  scenarios: {
    enroll: { executor: 'constant-vus', vus: Number(__ENV.VUS || 4), duration: __ENV.DURATION || '1m' },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:recognise_user}': ['p(95)<1000'],
    'http_req_duration{name:add_user}': ['p(95)<1000'],
    checks: ['rate>0.99'],
  },
};

http.setResponseCallback(http.expectedStatuses(200, 201, 409, 422));

export default function () {
  const image = randomItem(images);
  const recognised = http.post(
    `${baseUrl()}/api/v1/recognise_user`,
    { image: http.file(image.bytes, image.name, image.contentType) },
    { headers: authHeaders(), tags: { name: 'recognise_user' } },
  );
  if (recognised.status === 422) {
    check(recognised, { 'no face: error_code 601': (r) => errorEnvelopeProblems(r.json(), FACE_NOT_DETECTED).length === 0 });
    return;
  }
  const body = recognised.status === 200 ? recognised.json() : null;
  const valid = check(recognised, {
    'recognise: status is 200': (r) => r.status === 200,
    'recognise: body matches the schema': () => body !== null && recogniseBodyProblems(body).length === 0,
  });
  if (!valid) return;
  if (body.status === 'success') {
    alreadyKnown.add(1);
    return;
  }

  const added = http.post(
    `${baseUrl()}/api/v1/add_user`,
    JSON.stringify({ name: `k6 user ${__VU}-${__ITER}`, birthdate: '1990-01-01', req_id: body.req_id }),
    { headers: { ...authHeaders(), 'Content-Type': 'application/json' }, tags: { name: 'add_user' } },
  );
  if (added.status === 409) {
    conflicts.add(1);
    check(added, { 'add_user: 409 is an error envelope': (r) => errorEnvelopeProblems(r.json()).length === 0 });
    return;
  }
  check(added, {
    'add_user: status is 201': (r) => r.status === 201,
    'add_user: body matches the schema': (r) => r.status === 201 && addUserBodyProblems(r.json()).length === 0,
  });
  if (added.status === 201) enrolled.add(1);
}
