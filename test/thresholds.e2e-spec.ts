import request from 'supertest';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

/**
 * The three thresholds through the HTTP API, with real photos: a match below DUPLICATE_FACE_THRESHOLD
 * carries a "not me" key and may enroll as someone new; at or above it, enrolling that face as another
 * person is a 409; /verify uses VERIFY_THRESHOLD.
 */
describe('match, duplicate and verify thresholds', () => {
  let alice: Buffer;
  let aliceAgain: Buffer;

  async function portraitFrom(t: TestApp, sample: number): Promise<Buffer> {
    const photo = npmSamplePhoto(sample);
    const response = await request(t.http).post('/api/v1/detect').attach('image', photo, 'group.jpg').expect(200);
    return cropPortrait(photo, response.body.faces[0].box);
  }

  const recognise = (t: TestApp, image: Buffer) => request(t.http).post('/api/v1/recognise_user').attach('image', image, 'photo.jpg').expect(200);
  const enrollWithImage = (t: TestApp, image: Buffer, name: string) =>
    request(t.http).post('/api/v1/add_user').field('name', name).field('birthdate', '1990-01-01').attach('image', image, 'me.jpg');
  const verify = (t: TestApp, image: Buffer, userId: string) =>
    request(t.http).post('/api/v1/verify').field('user_id', userId).attach('image', image, 'me.jpg').expect(200);

  describe('shipped thresholds', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      alice = await portraitFrom(t, 2);
      aliceAgain = await transformedCopy(alice);
    });
    afterAll(() => t.close());

    it('answers a strong match without a key, and refuses the same face as someone else with a 409 naming them', async () => {
      const enrolled = await enrollWithImage(t, alice, 'Alice').expect(201);
      const match = await recognise(t, aliceAgain);
      expect(match.body).toMatchObject({ status: 'success', user_info: { id: enrolled.body.user_id } });
      expect(match.body.similarity).toBeGreaterThanOrEqual(0.6);
      expect(match.body).not.toHaveProperty('req_id');
      expect(match.body).not.toHaveProperty('enrollmentKey');
      const refused = await enrollWithImage(t, aliceAgain, 'Not Alice').expect(409);
      expect(refused.body).toMatchObject({
        error_code: 471,
        details: [{ field: 'face', user_id: enrolled.body.user_id, similarity: expect.any(Number) }],
      });
    });

    it('verifies with the 1:1 threshold', async () => {
      const [user] = (await request(t.http).get('/api/v1/users').expect(200)).body.items;
      expect((await verify(t, aliceAgain, user.id)).body).toMatchObject({ match: true, threshold: 0.3 });
    });
  });

  describe('a strict duplicate rule and a strict 1:1 threshold', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ MATCH_THRESHOLD: '0.3', DUPLICATE_FACE_THRESHOLD: '0.999', VERIFY_THRESHOLD: '0.999' });
      alice ??= await portraitFrom(t, 2);
      aliceAgain ??= await transformedCopy(alice);
    });
    afterAll(() => t.close());

    it('gives a match below DUPLICATE_FACE_THRESHOLD a "not me" key that enrolls the face as someone new', async () => {
      const enrolled = await enrollWithImage(t, alice, 'Alice').expect(201);
      const notMe = await recognise(t, aliceAgain);
      expect(notMe.body).toMatchObject({ status: 'success', message: 'Match found', user_info: { id: enrolled.body.user_id } });
      expect(notMe.body.similarity).toBeLessThan(0.999);
      expect(notMe.body.req_id).toEqual(expect.any(String));
      expect(notMe.body.enrollmentKey).toMatchObject({ req_id: notMe.body.req_id, expiresAt: expect.any(String) });
      const lookalike = await request(t.http)
        .post('/api/v1/add_user')
        .send({ name: 'Alice Lookalike', birthdate: '1991-02-03', req_id: notMe.body.req_id })
        .expect(201);
      expect(lookalike.body.user_id).not.toBe(enrolled.body.user_id);
      // The key was single-use, as every key.
      await request(t.http).post('/api/v1/add_user').send({ name: 'Again', birthdate: '1991-02-03', req_id: notMe.body.req_id }).expect(404);
    });

    it('gives the same "not me" key on /api/v1/recognise, per face', async () => {
      // Only Alice stays enrolled: the lookalike above was enrolled from this very photo.
      const [user, ...others] = (await request(t.http).get('/api/v1/users').expect(200)).body.items as { id: string }[];
      for (const other of others) await request(t.http).delete(`/api/v1/users/${other.id}`).expect(204);
      const answer = (await request(t.http).post('/api/v1/recognise').attach('image', aliceAgain, 'photo.jpg').expect(200)).body;
      const [face] = answer.faces;
      expect(face).toMatchObject({ status: 'match', user_info: { id: user.id } });
      expect(face.similarity).toBeLessThan(0.999);
      expect(face.enrollmentKey).toMatchObject({ req_id: face.req_id, expiresAt: expect.any(String) });
      const enrolled = await request(t.http)
        .post('/api/v1/add_user')
        .send({ name: 'Alice Twin', birthdate: '1991-02-03', req_id: face.req_id })
        .expect(201);
      expect(enrolled.body.user_id).not.toBe(user.id);
      await request(t.http).delete(`/api/v1/users/${enrolled.body.user_id}`).expect(204);
    });

    it('answers /verify with VERIFY_THRESHOLD, not the 1:N threshold', async () => {
      const [user] = (await request(t.http).get('/api/v1/users').expect(200)).body.items;
      const answer = (await verify(t, aliceAgain, user.id)).body;
      expect(answer).toMatchObject({ match: false, threshold: 0.999 });
      expect(answer.similarity).toBeGreaterThan(0.3);
    });
  });

  it('refuses to start, before opening anything, when DUPLICATE_FACE_THRESHOLD is below MATCH_THRESHOLD', async () => {
    await expect(startTestApp({ MATCH_THRESHOLD: '0.6', DUPLICATE_FACE_THRESHOLD: '0.5' })).rejects.toThrow(
      /DUPLICATE_FACE_THRESHOLD=0.5: must be at or above MATCH_THRESHOLD=0.6/,
    );
  });
});
