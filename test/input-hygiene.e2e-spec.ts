import request from 'supertest';
import { EnrollmentCacheService } from '../src/cache/enrollment-cache.service.js';
import { documentedOperations, Operation } from './support/route-variants.js';
import { randomUnitVector, startTestApp, TestApp } from './support/test-app.js';

describe('input hygiene', () => {
  let t: TestApp;
  let seed = 9_000;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(() => t.close());

  /** A live enrollment key for a random face, as a no-match would issue. */
  async function enrollmentKey(): Promise<string> {
    const metadata = { detection_score: 0.99, box: { x: 1, y: 2, width: 90, height: 110 }, face_size_px: 110, quality: 0.9 };
    return (await t.app.get(EnrollmentCacheService).issue(randomUnitVector(seed++), metadata)).reqId;
  }

  describe('names', () => {
    const invisible = ['\u200B', '\u200B\u200D\uFEFF', '\u200D\u200D\u200D', ' \u200B ', '\uFEFF', '\u2060\u200B'];
    const bidi = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'].map((control) => `Jane${control}eoD`);

    const shown = (name: string) =>
      [...name].map((char) => (/[ -~]/.test(char) ? char : `<U+${char.codePointAt(0)!.toString(16).toUpperCase()}>`)).join('');

    it.each([...invisible, ...bidi].map((name) => [shown(name), name]))('refuses %s with a 400 naming `name`', async (_label, name) => {
      const response = await request(t.http)
        .post('/api/v1/add_user')
        .send({ name, birthdate: '1990-01-01', req_id: await enrollmentKey() })
        .expect(400);
      expect(response.body).toMatchObject({ error_code: 400, details: expect.arrayContaining([expect.objectContaining({ field: 'name' })]) });
    });

    it('refuses them in multipart forms too', async () => {
      const response = await request(t.http)
        .post('/api/v1/add_user')
        .field('name', 'Jane\u202Eevil')
        .field('birthdate', '1990-01-01')
        .field('req_id', await enrollmentKey())
        .expect(400);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
    });

    it('stores names in NFC, whichever way they were composed', async () => {
      const decomposed = 'Jose\u0301 Zoe\u0308 Nguye\u0302\u0303n';
      const created = await request(t.http)
        .post('/api/v1/add_user')
        .send({ name: decomposed, birthdate: '1990-01-01', req_id: await enrollmentKey() })
        .expect(201);
      const user = await request(t.http).get(`/api/v1/users/${created.body.user_id}`).expect(200);
      expect(user.body.name).toBe(decomposed.normalize('NFC'));
      expect(user.body.name).toBe('José Zoë Nguyễn');
    });

    it('still takes names that need joiners, marks and other scripts', async () => {
      for (const name of ['محمد\u200Cرضا', 'क्\u200Dष', "Zoë O'Brien-Núñez", '李小龍', 'X Æ A-12']) {
        await request(t.http)
          .post('/api/v1/add_user')
          .send({ name, birthdate: '1990-01-01', req_id: await enrollmentKey() })
          .expect(201);
      }
    });
  });

  describe('request body types', () => {
    let posts: Operation[];
    beforeAll(async () => {
      posts = (await documentedOperations(t)).filter((operation) => operation.method === 'POST');
    });

    const BODIES: Record<string, string> = {
      'application/x-www-form-urlencoded': 'name=Jane&birthdate=1990-01-01&req_id=k',
      'text/plain': 'name=Jane',
      'application/xml': '<user><name>Jane</name></user>',
      'application/octet-stream': '\xff\xd8\xff',
      'application/json': '{"name":"Jane","birthdate":"1990-01-01","req_id":"k"}',
      'multipart/form-data; boundary=b': '--b\r\ncontent-disposition: form-data; name="name"\r\n\r\nJane\r\n--b--\r\n',
    };

    it('refuses every content type a POST route does not declare with a 415 (error_code 417)', async () => {
      const wrong: string[] = [];
      let refused = 0;
      for (const operation of posts) {
        for (const [type, body] of Object.entries(BODIES)) {
          const declared = operation.consumes.includes(type.split(';')[0]);
          const response = await request(t.http).post(operation.path).set('content-type', type).send(body);
          const outcome = `${response.status}/${response.body.error_code}`;
          if (declared ? response.status === 415 : outcome !== '415/417') wrong.push(`${operation.template} ${type}: ${outcome}`);
          if (!declared) refused++;
        }
      }
      expect(wrong).toEqual([]);
      expect(refused).toBeGreaterThanOrEqual(posts.length * 4);
    });

    it('refuses form-encoded add_user (the contract lists JSON and multipart only)', async () => {
      const response = await request(t.http)
        .post('/api/v1/add_user')
        .type('form')
        .send({ name: 'Jane', birthdate: '1990-01-01', req_id: await enrollmentKey() })
        .expect(415);
      expect(response.body).toMatchObject({ status: 'error', error_code: 417, message: expect.stringContaining('application/json') });
    });

    it('refuses a JSON body on the image-only routes', async () => {
      for (const path of ['/api/v1/recognise_user', '/api/v1/detect', '/api/v1/verify']) {
        await request(t.http).post(path).send({ image: 'x' }).expect(415);
      }
    });

    it('leaves a POST without a body to the field checks (400, not 415)', async () => {
      const response = await request(t.http).post('/api/v1/detect').expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ field: 'image' })]);
    });
  });
});
