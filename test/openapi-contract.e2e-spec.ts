import sharp from 'sharp';
import request, { type Response } from 'supertest';
import { createOpenApiDocument } from '../src/docs/write-openapi.js';
import { freePort } from './support/compiled-app.js';
import { blankImage, type Box, cropPortrait, faceGrid, npmSamplePhoto, samplePortraits, transformedCopy } from './support/face-photos.js';
import { OpenApiContract, type OpenApiDocument } from './support/openapi-contract.js';
import { startTestApp, TestApp } from './support/test-app.js';

/*
 * Every response of a real story (real app, embedded database, ONNX models, real photos) is checked
 * against the document the app serves at /api/docs-json, strictly: an undeclared status, media
 * type, header or body field fails, and so does a missing required one.
 */

const KEY = 'contract-key-0123456789';
const BURST_KEY = 'burst-key-0123456789';
const RATE_LIMIT = 100;
const MAX_UPLOAD_BYTES = 3_000_000;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('every response of the e2e story conforms to /api/docs-json', () => {
  let t: TestApp;
  let contract: OpenApiContract;
  let alice: Buffer;
  let bob: Buffer;
  let carol: Buffer;
  /** Real responses kept for the validator's self-test. */
  const kept: Record<string, Response> = {};

  const api = () => ({
    get: (path: string) => request(t.http).get(path).set('x-api-key', KEY),
    post: (path: string) => request(t.http).post(path).set('x-api-key', KEY),
    delete: (path: string) => request(t.http).delete(path).set('x-api-key', KEY),
  });
  const checked = async (pending: request.Test, status: number) => {
    const response = await pending;
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    return contract.check(response);
  };
  const recognise = (image: Buffer) => checked(api().post('/api/v1/recognise_user').attach('image', image, 'photo.jpg'), 200);

  beforeAll(async () => {
    t = await startTestApp({
      API_KEYS: `${KEY},${BURST_KEY}`,
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    });
    contract = new OpenApiContract((await request(t.http).get('/api/docs-json').expect(200)).body as OpenApiDocument);
    const portrait = async (sample: number) => {
      const photo = npmSamplePhoto(sample);
      const detected = await checked(api().post('/api/v1/detect').attach('image', photo, 'group.jpg'), 200);
      return cropPortrait(photo, detected.body.faces[0].box);
    };
    alice = await portrait(2);
    bob = await portrait(3);
    carol = await portrait(6);
  });
  afterAll(() => t.close());

  it('recognise, enroll by key (JSON) and by photo (multipart), match, verify, list, get, delete', async () => {
    const miss = (kept.noMatch = await recognise(alice));
    expect(miss.body).toMatchObject({ status: 'failure', user_info: null, req_id: expect.any(String) });
    const created = await checked(
      api().post('/api/v1/add_user').send({ name: 'Alice Contract', birthdate: '1985-04-12', req_id: miss.body.req_id }),
      201,
    );
    const aliceId: string = created.body.user_id;
    const match = (kept.match = await recognise(await transformedCopy(alice)));
    expect(match.body).toMatchObject({ status: 'success', user_info: { id: aliceId } });

    const bobCreated = await checked(
      api()
        .post('/api/v1/add_user')
        .field('name', 'Bob Contract')
        .field('birthdate', '1979-11-30')
        .field('email', 'bob@example.com')
        .attach('image', bob, 'bob.jpg'),
      201,
    );
    const bobId: string = bobCreated.body.user_id;
    await checked(
      api()
        .post(`/api/v1/users/${bobId}/faces`)
        .attach('image', await transformedCopy(bob), 'bob2.jpg'),
      201,
    );
    const carolMiss = await recognise(carol);
    const carolId = (
      await checked(api().post('/api/v1/add_user').field('name', 'Carol').field('birthdate', '1990-01-01').attach('image', carol, 'c.jpg'), 201)
    ).body.user_id;
    await checked(api().post(`/api/v1/users/${carolId}/faces`).send({ req_id: carolMiss.body.req_id }), 201);

    await checked(api().post('/api/v1/verify').field('user_id', bobId).attach('image', bob, 'b.jpg'), 200);
    await checked(api().post('/api/v1/verify').field('user_id', bobId).attach('image', alice, 'a.jpg'), 200);
    await checked(
      api()
        .post('/api/v1/detect')
        .attach('image', await blankImage(), 'none.png'),
      200,
    );

    // Every face of a group photo: Bob and Carol enrolled, the third face unknown; candidates on both routes.
    const group = (kept.group = await checked(
      api().post('/api/v1/recognise').field('candidates', '2').attach('image', npmSamplePhoto(6), 'group.jpg'),
      200,
    ));
    expect(group.body.faces.map((face: { status: string }) => face.status)).toEqual(expect.arrayContaining(['match', 'no_match']));
    await checked(api().post('/api/v1/recognise').field('max_faces', '1').attach('image', npmSamplePhoto(3), 'group.jpg'), 200);
    await checked(api().post('/api/v1/recognise_user').field('candidates', '3').attach('image', bob, 'bob.jpg'), 200);
    await checked(api().post('/api/v1/recognise_user').field('candidates', '3').attach('image', alice, 'alice.jpg'), 200);

    const page = await checked(api().get('/api/v1/users?limit=2'), 200);
    await checked(api().get(`/api/v1/users?limit=2&cursor=${encodeURIComponent(page.body.next_cursor)}`), 200);
    const bobRead = (kept.user = await checked(api().get(`/api/v1/users/${bobId}`), 200));
    expect(bobRead.body).toMatchObject({ email: 'bob@example.com', faces: 2 });
    for (const id of [aliceId, bobId, carolId]) await checked(api().delete(`/api/v1/users/${id}`), 204);
  });

  it('every error the story can provoke', async () => {
    const bobId = (
      await checked(
        api()
          .post('/api/v1/add_user')
          .field('name', 'Bob')
          .field('birthdate', '1979-11-30')
          .field('email', 'b@example.com')
          .attach('image', bob, 'b.jpg'),
        201,
      )
    ).body.user_id;
    // 400: invalid fields, unparseable bodies, ids that are no UUID, a bad page size
    await checked(api().post('/api/v1/add_user').send({ name: 'X', birthdate: '2999-01-01', req_id: 'k' }), 400);
    await checked(api().post('/api/v1/add_user').send({ name: 'X', birthdate: '2001-02-03' }), 400);
    await checked(api().post('/api/v1/add_user').set('content-type', 'application/json').send('{"name": '), 400);
    await checked(api().post('/api/v1/recognise_user').field('other', 'x'), 400);
    await checked(api().post('/api/v1/recognise_user').attach('photo', alice, 'a.jpg'), 400);
    await checked(api().post('/api/v1/verify').field('user_id', 'nope').attach('image', alice, 'a.jpg'), 400);
    await checked(api().get('/api/v1/users/not-a-uuid'), 400);
    await checked(api().delete('/api/v1/users/not-a-uuid'), 400);
    await checked(api().post('/api/v1/users/not-a-uuid/faces').send({ req_id: 'k' }), 400);
    await checked(api().get('/api/v1/users?limit=500'), 400);
    await checked(api().get('/api/v1/users?cursor=garbage'), 400);
    // 401: no key, wrong key
    await checked(request(t.http).get('/api/v1/users'), 401);
    await checked(request(t.http).post('/api/v1/recognise_user').set('x-api-key', 'wrong').attach('image', alice, 'a.jpg'), 401);
    // 404: unknown user, used key
    await checked(api().get(`/api/v1/users/${MISSING_ID}`), 404);
    await checked(api().delete(`/api/v1/users/${MISSING_ID}`), 404);
    await checked(api().post(`/api/v1/users/${MISSING_ID}/faces`).attach('image', carol, 'c.jpg'), 404);
    await checked(api().post('/api/v1/verify').field('user_id', MISSING_ID).attach('image', alice, 'a.jpg'), 404);
    await checked(api().post('/api/v1/add_user').send({ name: 'X', birthdate: '2001-02-03', req_id: 'never-issued' }), 404);
    // 409: the same face as another user (471, naming them), an email in use (470)
    const twin = (kept.conflict = await checked(
      api()
        .post('/api/v1/add_user')
        .field('name', 'Bob Twin')
        .field('birthdate', '1979-11-30')
        .attach('image', await transformedCopy(bob), 'b2.jpg'),
      409,
    ));
    expect(twin.body.details[0]).toMatchObject({ user_id: bobId, similarity: expect.any(Number) });
    const key = (await recognise(carol)).body.req_id as string;
    await checked(api().post('/api/v1/add_user').send({ name: 'Carol', birthdate: '1990-01-01', email: 'b@example.com', req_id: key }), 409);
    const carolId = (await checked(api().post('/api/v1/add_user').send({ name: 'Carol', birthdate: '1990-01-01', req_id: key }), 201)).body.user_id;
    await checked(api().post(`/api/v1/users/${carolId}/faces`).attach('image', bob, 'b.jpg'), 409);
    // 413, 415, 422 on every upload route
    for (const route of ['recognise_user', 'detect', 'add_user']) {
      const person = route === 'add_user' ? { name: 'N', birthdate: '1990-01-01' } : {};
      const upload = (image: Buffer) => {
        const pending = api().post(`/api/v1/${route}`);
        for (const [field, value] of Object.entries(person)) pending.field(field, value);
        return pending.attach('image', image, 'x.jpg');
      };
      await checked(upload(Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0xff)), 413);
      await checked(upload(Buffer.from('hello, not an image')), 415);
      if (route !== 'detect') await checked(upload(await blankImage()), 422);
    }
    await checked(
      api()
        .post('/api/v1/verify')
        .field('user_id', bobId)
        .attach('image', await blankImage(), 'x.png'),
      422,
    );
    // The group route: its fields, its upload rules, no face and faces too small to recognise.
    await checked(api().post('/api/v1/recognise').field('max_faces', '51').attach('image', alice, 'a.jpg'), 400);
    await checked(api().post('/api/v1/recognise').field('candidates', 'all').attach('image', alice, 'a.jpg'), 400);
    await checked(api().post('/api/v1/recognise').field('max_faces', '2'), 400);
    await checked(request(t.http).post('/api/v1/recognise').attach('image', alice, 'a.jpg'), 401);
    await checked(
      api()
        .post('/api/v1/recognise')
        .attach('image', Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0xff), 'x.jpg'),
      413,
    );
    await checked(api().post('/api/v1/recognise').attach('image', Buffer.from('hello, not an image'), 'x.jpg'), 415);
    await checked(
      api()
        .post('/api/v1/recognise')
        .attach('image', await blankImage(), 'x.png'),
      422,
    );
    const detectBoxes = async (photo: Buffer) =>
      (await checked(api().post('/api/v1/detect').attach('image', photo, 'p.jpg'), 200)).body.faces.map((f: { box: Box }) => f.box);
    const small = await Promise.all((await samplePortraits(4, detectBoxes)).map((portrait) => sharp(portrait).resize(46, 46).toBuffer()));
    const tiny = await faceGrid(small, { columns: 4, width: 480, height: 200, side: 46 });
    const tooSmall = await checked(api().post('/api/v1/recognise').attach('image', tiny, 'tiny.jpg'), 422);
    expect(tooSmall.body.error_code).toBe(603);
    await checked(api().post(`/api/v1/users/${bobId}/faces`).attach('image', Buffer.from('not an image'), 'x.jpg'), 415);
  });

  it('429 with Retry-After once a key has used its minute', async () => {
    let last = await request(t.http).get('/api/v1/users').set('x-api-key', BURST_KEY);
    for (let i = 0; i < RATE_LIMIT && last.status === 200; i++) last = await request(t.http).get('/api/v1/users').set('x-api-key', BURST_KEY);
    expect(last.status).toBe(429);
    kept.rateLimited = contract.check(last);
  });

  it('health, metrics and the docs themselves, open without a key', async () => {
    await checked(request(t.http).get('/health/live'), 200);
    await checked(request(t.http).get('/health/serving'), 200);
    await checked(request(t.http).get('/health/ready'), 200);
    await checked(request(t.http).get('/metrics'), 200);
    await checked(request(t.http).get('/api/docs-json'), 200);
    await checked(request(t.http).get('/api/docs'), 200);
  });

  it('serves the document that `npm run lint:openapi` lints', async () => {
    expect(contract.document).toEqual(JSON.parse(JSON.stringify(await createOpenApiDocument())));
  });

  it('matches the declared security: open routes answer without a key, keyed routes refuse', async () => {
    for (const [template, item] of Object.entries(contract.document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const path = template.replace('{id}', MISSING_ID);
        const response = await request(t.http)[method as 'get' | 'post' | 'delete'](path);
        const where = `${method.toUpperCase()} ${template}`;
        expect({ where, status: response.status === 401 ? 401 : 'not 401' }).toEqual({ where, status: op.security?.length === 0 ? 'not 401' : 401 });
      }
    }
  });

  it('has a validator that refuses what the document does not promise', () => {
    const altered = (response: Response, changes: Partial<Pick<Response, 'status' | 'body' | 'headers'>>) => {
      const { status, body, headers } = { status: response.status, body: response.body, headers: response.headers, ...changes };
      return contract.problems({
        status,
        body,
        headers,
        text: JSON.stringify(body),
        req: (response as unknown as { req: unknown }).req,
      } as unknown as Response);
    };
    const { noMatch, match, user, conflict, rateLimited, group } = kept;
    for (const real of [noMatch, match, user, conflict, rateLimited, group]) expect(contract.problems(real)).toEqual([]);

    expect(altered(user, { status: 418 })).toEqual([expect.stringMatching(/status 418 is not declared/)]);
    expect(altered(user, { body: { ...user.body, nickname: 'Bobby' } })).toEqual([expect.stringMatching(/unevaluated properties.*nickname/)]);
    const { faces: _faces, ...withoutFaces } = user.body;
    expect(altered(user, { body: withoutFaces })).toEqual([expect.stringMatching(/must have required property 'faces'/)]);
    expect(altered(user, { body: { ...user.body, faces: 1.5 } })).toEqual([expect.stringMatching(/faces must be integer/)]);
    // A no-match must not carry a person; a match must carry one, and neither may mix in the other's fields.
    expect(altered(noMatch, { body: { ...noMatch.body, user_info: match.body.user_info } })).not.toEqual([]);
    expect(altered(match, { body: { ...match.body, user_info: null } })).not.toEqual([]);
    expect(altered(noMatch, { body: { ...noMatch.body, similarity: 0.3 } })).toEqual([expect.stringMatching(/unevaluated properties.*similarity/)]);
    // A "not me" match may carry a key, but only a well-formed one.
    expect(altered(match, { body: { ...match.body, req_id: noMatch.body.req_id, enrollmentKey: noMatch.body.enrollmentKey } })).toEqual([]);
    expect(altered(match, { body: { ...match.body, req_id: 42 } })).not.toEqual([]);
    expect(altered(noMatch, { body: { ...noMatch.body, status: 'maybe' } })).not.toEqual([]);
    // Each face of a group: a match names someone, a no-match carries its key and no similarity, every face lists candidates.
    const faces = group.body.faces as Array<Record<string, unknown>>;
    const known = faces.find((face) => face.status === 'match')!;
    const unknown = faces.find((face) => face.status === 'no_match')!;
    const withFace = (face: Record<string, unknown>) => ({ body: { ...group.body, faces: [face] } });
    expect(altered(group, withFace(known))).toEqual([]);
    expect(altered(group, withFace({ ...unknown, similarity: 0.3 }))).not.toEqual([]);
    expect(altered(group, withFace({ ...known, user_info: null }))).not.toEqual([]);
    const { req_id: _key, ...keyless } = unknown;
    expect(altered(group, withFace(keyless))).not.toEqual([]);
    const { candidates: _candidates, ...withoutCandidates } = known;
    expect(altered(group, withFace(withoutCandidates))).toEqual([expect.stringMatching(/candidates/)]);
    expect(altered(group, { body: { ...group.body, faces_detected: 2.5 } })).toEqual([expect.stringMatching(/faces_detected must be integer/)]);
    expect(altered(conflict, { body: { ...conflict.body, details: [{ ...conflict.body.details[0], score: 1 }] } })).toEqual([
      expect.stringMatching(/score/),
    ]);
    // Headers: the request id is required, and a header the API sets must be declared where it is sent.
    const { 'x-request-id': _id, ...withoutId } = user.headers;
    expect(altered(user, { headers: withoutId })).toEqual(expect.arrayContaining([expect.stringMatching(/required header x-request-id is missing/)]));
    expect(altered(user, { headers: { ...user.headers, 'retry-after': '5' } })).toEqual([
      expect.stringMatching(/retry-after is sent but not declared/),
    ]);
    expect(altered(rateLimited, { headers: { ...rateLimited.headers, 'retry-after': 'soon' } })).toEqual([
      expect.stringMatching(/header retry-after/),
    ]);
    expect(altered(user, { body: { ...user.body, requestId: 'another' } })).toEqual([expect.stringMatching(/requestId differs/)]);
  });

  it('reached every operation, and every documented status the story can provoke', () => {
    const seen = Object.fromEntries([...contract.seen].map(([operation, statuses]) => [operation, [...statuses].sort()]));
    expect(seen).toEqual({
      recogniseUser: [200, 400, 401, 413, 415, 422],
      recognise: [200, 400, 401, 413, 415, 422],
      addUser: [201, 400, 404, 409, 413, 415, 422],
      addFace: [201, 400, 404, 409, 415],
      verify: [200, 400, 404, 422],
      detect: [200, 413, 415],
      listUsers: [200, 400, 401, 429],
      getUser: [200, 400, 404],
      deleteUser: [204, 400, 404],
      healthLive: [200],
      healthServing: [200],
      healthReady: [200],
      metrics: [200],
      openApiDocument: [200],
      docsUi: [200],
    });
  });
});

describe('503s conform too: the inference backend is unreachable', () => {
  it('recognise, detect and readiness answer as documented', async () => {
    const t = await startTestApp({ INFERENCE_BACKEND: 'triton', TRITON_GRPC_URL: `127.0.0.1:${await freePort()}`, TRITON_TIMEOUT_MS: '1000' });
    try {
      const contract = new OpenApiContract((await request(t.http).get('/api/docs-json').expect(200)).body as OpenApiDocument);
      for (const route of ['recognise_user', 'recognise', 'detect']) {
        contract.check(await request(t.http).post(`/api/v1/${route}`).attach('image', npmSamplePhoto(2), 'g.jpg').timeout(30_000).expect(503));
      }
      const ready = contract.check(await request(t.http).get('/health/ready').expect(503));
      expect(ready.body).toMatchObject({ error_code: 506, details: { inference: { status: 'down' } } });
    } finally {
      await t.close();
    }
  }, 90_000);
});
