import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { describeEachEngine } from './support/database-engines.js';
import { blankImage, cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

describeEachEngine('recognition and enrollment, end to end with real photos', (engine) => {
  let t: TestApp;
  let alice: Buffer;
  let aliceAgain: Buffer;
  let bob: Buffer;
  let carol: Buffer;

  /** A one-person portrait of the largest face in an npm sample photo, found through /detect itself. */
  async function portraitFrom(sample: number): Promise<Buffer> {
    const photo = npmSamplePhoto(sample);
    const response = await request(t.http).post('/api/v1/detect').attach('image', photo, 'group.jpg').expect(200);
    const [largest] = response.body.faces as DetectedFace[];
    return cropPortrait(photo, largest.box);
  }

  const recognise = (image: Buffer) => request(t.http).post('/api/v1/recognise_user').attach('image', image, 'photo.jpg');
  const enrollWithKey = (reqId: string, name: string, email?: string) =>
    request(t.http)
      .post('/api/v1/add_user')
      .send({ name, birthdate: '1985-04-12', req_id: reqId, ...(email ? { email } : {}) });
  const enrollWithImage = (image: Buffer, name: string) =>
    request(t.http).post('/api/v1/add_user').field('name', name).field('birthdate', '1990-01-01').attach('image', image, 'me.jpg');

  beforeAll(async () => {
    t = await startTestApp({ ENROLLMENT_TTL_SECONDS: '120' }, { engine });
    alice = await portraitFrom(2);
    aliceAgain = await transformedCopy(alice);
    bob = await portraitFrom(3);
    carol = await portraitFrom(6);
  });
  afterAll(() => t.close());

  it('detects every face of a group photo with box, 5 landmarks and quality', async () => {
    const response = await request(t.http).post('/api/v1/detect').attach('image', npmSamplePhoto(1), 'g.jpg').expect(200);
    expect(response.body.faces.length).toBeGreaterThanOrEqual(3);
    for (const face of response.body.faces) {
      expect(face.landmarks).toHaveLength(5);
      expect(face.quality).toBeGreaterThanOrEqual(0);
      expect(face.quality).toBeLessThanOrEqual(1);
      expect(face.box.width).toBeGreaterThan(50);
    }
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('tells the whole story: no match, enroll by key, match, stranger, key reuse, delete', async () => {
    const first = await recognise(alice).expect(200);
    expect(first.body).toMatchObject({ status: 'failure', message: 'no_match', user_info: null, faces_detected: 1 });
    const reqId: string = first.body.req_id;
    expect(first.body.enrollmentKey).toEqual({
      req_id: reqId,
      expiresAt: expect.any(String),
      metadata: { detection_score: expect.any(Number), box: expect.any(Object), face_size_px: expect.any(Number), quality: expect.any(Number) },
    });
    const ttlMs = Date.parse(first.body.enrollmentKey.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(100_000);
    expect(ttlMs).toBeLessThanOrEqual(120_000);
    expect(first.headers['server-timing']).toMatch(/decode;dur=.*embed;dur=.*search;dur=/);
    expect(JSON.stringify(first.body)).not.toMatch(/embedding/);

    const created = await enrollWithKey(reqId, 'Alice Example', 'alice@example.com').expect(201);
    expect(created.body).toMatchObject({ status: 'success', message: 'User added successfully', user_id: expect.any(String) });
    const userId: string = created.body.user_id;

    const match = await recognise(aliceAgain).expect(200);
    expect(match.body).toMatchObject({
      status: 'success',
      message: 'Match found',
      user_info: { id: userId, name: 'Alice Example', birthdate: '1985-04-12', email: 'alice@example.com' },
      faces_detected: 1,
      face: { box: expect.any(Object), score: expect.any(Number) },
    });
    expect(match.body.similarity).toBeGreaterThan(0.5);

    const stranger = await recognise(bob).expect(200);
    expect(stranger.body.message).toBe('no_match');

    const reused = await enrollWithKey(reqId, 'Mallory').expect(404);
    expect(reused.body).toMatchObject({ status: 'error', error_code: 442 });

    await request(t.http).delete(`/api/v1/users/${userId}`).expect(204);
    const afterDelete = await recognise(aliceAgain).expect(200);
    expect(afterDelete.body.message).toBe('no_match');
  });

  it('refuses an expired key even before the purge', async () => {
    const miss = await recognise(bob).expect(200);
    await t.app
      .get(PrismaService)
      .$executeRawUnsafe(`UPDATE vectors_cache SET expires_at = now() - interval '1 second' WHERE key = $1`, miss.body.req_id);
    const response = await enrollWithKey(miss.body.req_id, 'Late Bob').expect(404);
    expect(response.body.error_code).toBe(442);
  });

  it('adds a second face and verifies 1:1 against all of them', async () => {
    const created = await enrollWithImage(carol, 'Carol Example').expect(201);
    const userId: string = created.body.user_id;
    const added = await request(t.http)
      .post(`/api/v1/users/${userId}/faces`)
      .attach('image', await transformedCopy(carol), 'c2.jpg')
      .expect(201);
    expect(added.body).toMatchObject({ face_id: expect.any(String), user_id: userId });
    const user = await request(t.http).get(`/api/v1/users/${userId}`).expect(200);
    expect(user.body.faces).toBe(2);

    const same = await request(t.http).post('/api/v1/verify').field('user_id', userId).attach('image', carol, 'c.jpg').expect(200);
    expect(same.body).toMatchObject({ status: 'success', match: true, threshold: expect.any(Number) });
    expect(same.body.similarity).toBeGreaterThan(0.9);
    const other = await request(t.http).post('/api/v1/verify').field('user_id', userId).attach('image', bob, 'b.jpg').expect(200);
    expect(other.body.match).toBe(false);
    expect(other.body.similarity).toBeLessThan(other.body.threshold);
    await request(t.http).post('/api/v1/verify').field('user_id', '00000000-0000-4000-8000-000000000000').attach('image', bob, 'b.jpg').expect(404);
    await request(t.http).delete(`/api/v1/users/${userId}`).expect(204);
  });

  it('refuses a face that is already enrolled, naming the user, and keeps the key usable', async () => {
    const created = await enrollWithImage(bob, 'Bob Example').expect(201);
    const miss = await enrollWithImage(await transformedCopy(bob), 'Bob Twin').expect(409);
    expect(miss.body).toMatchObject({ status: 'error', error_code: 471 });
    expect(miss.body.details[0].user_id).toBe(created.body.user_id);

    await request(t.http).delete(`/api/v1/users/${created.body.user_id}`).expect(204);
    const key = (await recognise(bob).expect(200)).body.req_id as string;
    await enrollWithImage(alice, 'Alice Again').expect(201);
    const email = 'shared@example.com';
    await request(t.http)
      .post('/api/v1/add_user')
      .field('name', 'First')
      .field('birthdate', '1970-01-01')
      .field('email', email)
      .attach('image', carol, 'c.jpg')
      .expect(201);
    const taken = await enrollWithKey(key, 'Bob', email).expect(409);
    expect(taken.body.error_code).toBe(470);
    // The refused enrollment rolled back, so the key still works.
    await enrollWithKey(key, 'Bob', 'bob@example.com').expect(201);
  });

  it.each([
    ['a future birthdate', { name: 'X', birthdate: '2999-01-01', req_id: 'k' }, 'birthdate'],
    ['an impossible date', { name: 'X', birthdate: '2001-02-30', req_id: 'k' }, 'birthdate'],
    ['a blank name', { name: '   ', birthdate: '2001-02-03', req_id: 'k' }, 'name'],
    ['an overlong name', { name: 'x'.repeat(201), birthdate: '2001-02-03', req_id: 'k' }, 'name'],
    ['a bad email', { name: 'X', birthdate: '2001-02-03', email: 'nope', req_id: 'k' }, 'email'],
    ['neither req_id nor image', { name: 'X', birthdate: '2001-02-03' }, 'req_id'],
    ['a number for a name', { name: 42, birthdate: '2001-02-03', req_id: 'k' }, 'name'],
  ])('answers add_user with %s by a 400 naming the field', async (_label, body, field) => {
    const response = await request(t.http).post('/api/v1/add_user').send(body).expect(400);
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers unusable uploads with the documented codes', async () => {
    const noFace = await recognise(await blankImage()).expect(422);
    expect(noFace.body).toMatchObject({ status: 'error', error_code: 601, message: 'Face not detected in the image' });
    const text = await request(t.http).post('/api/v1/recognise_user').attach('image', Buffer.from('hello, not an image'), 'face.jpg').expect(415);
    expect(text.body.error_code).toBe(415);
    const missing = await request(t.http).post('/api/v1/recognise_user').field('candidates', '2').expect(400);
    expect(missing.body.details[0].field).toBe('image');
    const unknownField = await request(t.http).post('/api/v1/recognise_user').field('other', 'x').attach('image', alice, 'a.jpg').expect(400);
    expect(unknownField.body.details).toEqual([{ field: 'other', message: 'property other should not exist' }]);
    const wrongField = await request(t.http).post('/api/v1/recognise_user').attach('photo', alice, 'a.jpg').expect(400);
    expect(wrongField.body.status).toBe('error');
    const tooLarge = await request(t.http)
      .post('/api/v1/recognise_user')
      .attach('image', Buffer.alloc(10 * 1024 * 1024 + 10, 0xff), 'big.jpg')
      .expect(413);
    expect(tooLarge.body.error_code).toBe(413);
    const badJson = await request(t.http).post('/api/v1/add_user').set('content-type', 'application/json').send('{"name": ').expect(400);
    expect(badJson.body.status).toBe('error');
  });

  it('documents every route in Swagger, with multipart for uploads', async () => {
    const { body } = await request(t.http).get('/api/docs-json').expect(200);
    for (const route of [
      '/api/v1/recognise_user',
      '/api/v1/recognise',
      '/api/v1/add_user',
      '/api/v1/verify',
      '/api/v1/detect',
      '/api/v1/users/{id}/faces',
    ]) {
      expect(body.paths[route]?.post).toBeDefined();
    }
    expect(body.paths['/api/v1/recognise_user'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect(body.paths['/api/v1/recognise_user'].post.responses['422']).toBeDefined();
  });
});
