// Response-shape checks for POST /api/v1/recognise_user and /api/v1/add_user (docs API.md).
// Plain JavaScript with no k6 imports, so the same rules run in k6 and in the Jest suite.

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);
const isNonEmptyString = (value) => typeof value === 'string' && value.length > 0;
const isIsoDate = (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

function isBox(box) {
  return isObject(box) && ['x', 'y', 'width', 'height'].every((key) => isNumber(box[key]));
}

/** Returns the problems found in a recognise_user 200 body; an empty list means it conforms. */
export function recogniseBodyProblems(body) {
  const problems = [];
  if (!isObject(body)) return ['body is not a JSON object'];
  if (!isNonEmptyString(body.requestId)) problems.push('requestId missing');
  if (!isNumber(body.faces_detected) || body.faces_detected < 1) problems.push('faces_detected must be a number >= 1');
  if (body.status === 'success') {
    if (body.message !== 'Match found') problems.push('match message must be "Match found"');
    const user = body.user_info;
    if (!isObject(user) || !isNonEmptyString(user.id) || typeof user.name !== 'string') problems.push('user_info must hold id and name');
    else if (!('birthdate' in user) || !('email' in user)) problems.push('user_info must hold birthdate and email');
    if (!isNumber(body.similarity)) problems.push('similarity must be a number');
    if (!isObject(body.face) || !isBox(body.face.box) || !isNumber(body.face.score)) problems.push('face must hold box and score');
  } else if (body.status === 'failure') {
    if (body.message !== 'no_match') problems.push('no-match message must be "no_match"');
    if (body.user_info !== null) problems.push('user_info must be null on no_match');
    if (!isNonEmptyString(body.req_id)) problems.push('req_id missing');
    const key = body.enrollmentKey;
    if (!isObject(key) || key.req_id !== body.req_id) problems.push('enrollmentKey.req_id must equal req_id');
    else {
      if (!isIsoDate(key.expiresAt)) problems.push('enrollmentKey.expiresAt must be an ISO-8601 date');
      const metadata = key.metadata;
      if (!isObject(metadata) || !isBox(metadata.box) || !isNumber(metadata.detection_score))
        problems.push('enrollmentKey.metadata must hold box and detection_score');
    }
  } else {
    problems.push(`status must be "success" or "failure", got ${JSON.stringify(body.status)}`);
  }
  return problems;
}

/** Problems in an error envelope; `errorCode` pins the expected error_code when given. */
export function errorEnvelopeProblems(body, errorCode) {
  if (!isObject(body)) return ['body is not a JSON object'];
  const problems = [];
  if (body.status !== 'error') problems.push('status must be "error"');
  if (!isNumber(body.error_code)) problems.push('error_code must be a number');
  else if (errorCode !== undefined && body.error_code !== errorCode) problems.push(`error_code must be ${errorCode}, got ${body.error_code}`);
  if (typeof body.message !== 'string') problems.push('message missing');
  if (!isNonEmptyString(body.requestId)) problems.push('requestId missing');
  return problems;
}

/** Problems in an add_user 201 body. */
export function addUserBodyProblems(body) {
  if (!isObject(body)) return ['body is not a JSON object'];
  const problems = [];
  if (body.status !== 'success') problems.push('status must be "success"');
  if (!isNonEmptyString(body.user_id)) problems.push('user_id missing');
  if (!isNonEmptyString(body.requestId)) problems.push('requestId missing');
  return problems;
}

/** API.md: 601 is "face not detected", kept from the original design. */
export const FACE_NOT_DETECTED = 601;
