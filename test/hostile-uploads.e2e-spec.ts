import request from 'supertest';
import sharp from 'sharp';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { gif, jpegClaiming, pngClaiming, svg, tiff, zeroPngBomb } from './support/hostile-images.js';
import { startTestApp, TestApp } from './support/test-app.js';

const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
/** Generous: a refusal takes milliseconds; only a decoder that really allocated the pixels would get near this. */
const BOUNDED_MS = 10_000;
const BOUNDED_RSS_GROWTH = 400 * 1024 * 1024;

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

describe('hostile uploads', () => {
  let t: TestApp;
  let alice: Buffer;
  let bob: Buffer;

  const recognise = (bytes: Buffer, filename = 'photo.jpg', contentType?: string) =>
    request(t.http)
      .post('/api/v1/recognise_user')
      .attach('image', bytes, contentType ? { filename, contentType } : filename);

  async function portraitFrom(sample: number): Promise<Buffer> {
    const photo = npmSamplePhoto(sample);
    const response = await request(t.http).post('/api/v1/detect').attach('image', photo, 'group.jpg').expect(200);
    return cropPortrait(photo, (response.body.faces as DetectedFace[])[0].box);
  }

  /** Status, error_code, and that it came back in bounded time and memory. */
  async function expectRefused(bytes: Buffer, status: number, errorCode: number, filename = 'photo.jpg') {
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const response = await recognise(bytes, filename);
    expect({ status: response.status, error_code: response.body.error_code }).toEqual({ status, error_code: errorCode });
    expect(response.body).toMatchObject({ status: 'error', requestId: response.headers['x-request-id'] });
    expect(Date.now() - started).toBeLessThan(BOUNDED_MS);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(BOUNDED_RSS_GROWTH);
    return response;
  }

  beforeAll(async () => {
    t = await startTestApp({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
    alice = await portraitFrom(2);
    bob = await portraitFrom(3);
  });
  afterAll(() => t.close());

  describe('files that are not usable images', () => {
    it('an empty file is a 400 naming the field', async () => {
      const response = await recognise(Buffer.alloc(0)).expect(400);
      expect(response.body.details[0].field).toBe('image');
    });

    it('a truncated JPEG is a 415', () => expectRefused(alice.subarray(0, Math.floor(alice.length / 2)), 415, 415));

    it('corrupt bytes behind a JPEG header are a 415', async () => {
      const corrupt = Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
      ]);
      await expectRefused(corrupt, 415, 415);
      // A real JPEG with its scan data scrambled in the middle.
      const scrambled = Buffer.from(alice);
      for (let i = Math.floor(scrambled.length / 3); i < Math.floor(scrambled.length / 2); i++) scrambled[i] = (scrambled[i] * 7 + 3) & 0xff;
      const response = await recognise(scrambled);
      expect([415, 422]).toContain(response.status);
    });

    it('polyglots (JPEG + HTML, JPEG + ZIP, PNG + script) are a 415', async () => {
      const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
      const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26, 1), Buffer.from('evil.sh#!/bin/sh\nrm -rf /\n')]);
      const png = await sharp(alice).png().toBuffer();
      for (const polyglot of [
        Buffer.concat([alice, html]),
        Buffer.concat([alice, zip]),
        Buffer.concat([png, Buffer.from('<?php system($_GET["c"]); ?>')]),
      ]) {
        const response = await expectRefused(polyglot, 415, 415);
        expect(response.body.message).toMatch(/after its end/);
      }
      // Padding after the end is not a polyglot: the photo is still recognised.
      await recognise(Buffer.concat([alice, Buffer.alloc(64)])).expect(200);
    });

    it('a non-image with an image name and type is a 415', async () => {
      await expectRefused(Buffer.from('MZ\x90\x00 this is a Windows executable, honest', 'latin1'), 415, 415, 'selfie.jpg');
      const response = await recognise(Buffer.from('%PDF-1.7\n%\xe2\xe3'), 'selfie.png', 'image/png');
      expect(response.status).toBe(415);
    });

    it('GIF, TIFF and SVG are a 415, whatever they are called', async () => {
      await expectRefused(await gif(), 415, 415, 'a.gif');
      await expectRefused(await tiff(), 415, 415, 'a.jpg');
      await expectRefused(svg(), 415, 415, 'a.png');
    });
  });

  describe('decompression bombs', () => {
    it('a PNG claiming 30000x30000 is refused fast, with bounded memory', async () => {
      const bomb = pngClaiming(30_000, 30_000);
      expect(bomb.length).toBeLessThan(200_000);
      await expectRefused(bomb, 422, 416);
    });

    it('a JPEG claiming 30000x30000 is refused fast, with bounded memory', async () => {
      await expectRefused(await jpegClaiming(30_000, 30_000), 422, 416);
    });

    it('a complete 8000x8000 all-zero PNG (64 MP from a few hundred KB) is refused fast, with bounded memory', async () => {
      const bomb = zeroPngBomb(8000);
      expect(bomb.length).toBeLessThan(MAX_UPLOAD_BYTES);
      await expectRefused(bomb, 422, 416);
    });
  });

  describe('malformed multipart', () => {
    it('an upload over MAX_UPLOAD_BYTES is a 413', async () => {
      await expectRefused(Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0xff), 413, 413);
    });

    it('two files are a 400', async () => {
      const response = await request(t.http).post('/api/v1/recognise_user').attach('image', alice, 'a.jpg').attach('image', bob, 'b.jpg').expect(400);
      expect(response.body.status).toBe('error');
    });

    it('a wrong field name is a 400', async () => {
      await request(t.http).post('/api/v1/recognise_user').attach('photo', alice, 'a.jpg').expect(400);
      await request(t.http).post('/api/v1/add_user').field('name', 'X').field('birthdate', '1990-01-01').attach('file', alice, 'a.jpg').expect(400);
    });

    it('an overlong text field is a 400', async () => {
      await request(t.http)
        .post('/api/v1/add_user')
        .field('name', 'x'.repeat(10_000))
        .field('birthdate', '1990-01-01')
        .attach('image', alice, 'a.jpg')
        .expect(400);
    });
  });

  describe('odd JSON', () => {
    it.each([
      ['a name with a NUL byte', { name: 'Nul\u0000Byte', birthdate: '1990-01-01', req_id: 'k' }, 'name'],
      ['a name with control characters', { name: 'Line\nBreak\u001b[31m', birthdate: '1990-01-01', req_id: 'k' }, 'name'],
      ['an array for a name', { name: ['a', 'b'], birthdate: '1990-01-01', req_id: 'k' }, 'name'],
      ['an object for a name', { name: { $gt: '' }, birthdate: '1990-01-01', req_id: 'k' }, 'name'],
      ['a number for a birthdate', { name: 'X', birthdate: 19900101, req_id: 'k' }, 'birthdate'],
      ['an unknown field', { name: 'X', birthdate: '1990-01-01', req_id: 'k', is_admin: true }, 'is_admin'],
      ['an overlong req_id', { name: 'X', birthdate: '1990-01-01', req_id: 'k'.repeat(5000) }, 'req_id'],
      ['an overlong email', { name: 'X', birthdate: '1990-01-01', req_id: 'k', email: `${'a'.repeat(400)}@example.com` }, 'email'],
    ])('%s is a 400 naming the field', async (_label, body, field) => {
      const response = await request(t.http).post('/api/v1/add_user').send(body).expect(400);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('__proto__ and constructor keys pollute nothing', async () => {
      const response = await request(t.http)
        .post('/api/v1/add_user')
        .set('content-type', 'application/json')
        .send('{"name":"X","birthdate":"1990-01-01","req_id":"k","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
      expect([400, 404]).toContain(response.status);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });

    it('a JSON body over the parser limit is a 413, malformed JSON a 400', async () => {
      const huge = JSON.stringify({ name: 'X', birthdate: '1990-01-01', req_id: 'k', padding: 'p'.repeat(2 * 1024 * 1024) });
      await request(t.http).post('/api/v1/add_user').set('content-type', 'application/json').send(huge).expect(413);
      const malformed = await request(t.http).post('/api/v1/add_user').set('content-type', 'application/json').send('{"name": "X", ').expect(400);
      expect(malformed.body.error_code).toBe(401);
    });
  });

  describe('injection-looking input', () => {
    it('stores SQL- and script-looking names verbatim and executes nothing', async () => {
      const names = ["Robert'); DROP TABLE users;--", '<script>alert("x")</script><img src=x onerror=alert(1)>'];
      const ids: string[] = [];
      for (const [index, face] of [alice, bob].entries()) {
        const miss = await recognise(face).expect(200);
        expect(miss.body.message).toBe('no_match');
        const created = await request(t.http)
          .post('/api/v1/add_user')
          .send({ name: names[index], birthdate: '1990-01-01', req_id: miss.body.req_id })
          .expect(201);
        ids.push(created.body.user_id);
      }
      for (const [index, id] of ids.entries()) {
        const user = await request(t.http).get(`/api/v1/users/${id}`).expect(200);
        expect(user.body.name).toBe(names[index]);
        expect(user.headers['content-type']).toMatch(/^application\/json/);
      }
      const list = await request(t.http).get('/api/v1/users').expect(200);
      expect(list.body.items.map((user: { name: string }) => user.name)).toEqual(expect.arrayContaining(names));
    });

    it.each([
      ['/api/v1/users/not-a-uuid'],
      ["/api/v1/users/1' OR '1'='1"],
      ['/api/v1/users/..%2F..%2F..%2Fetc%2Fpasswd'],
      ['/api/v1/users/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
      ['/api/v1/users/../../../etc/passwd'],
      ['/api/v1/users/00000000-0000-4000-8000-000000000000%00'],
    ])('GET and DELETE %s are a 400 or 404 envelope, never a file', async (path) => {
      for (const method of ['get', 'delete'] as const) {
        const response = await request(t.http)[method](path);
        expect([400, 404]).toContain(response.status);
        expect(response.body.status).toBe('error');
        expect(response.text).not.toMatch(/root:|\/etc\/passwd|SELECT|prisma/i);
      }
    });

    it('a non-UUID user id in verify and add-face is a 400', async () => {
      await request(t.http).post('/api/v1/verify').field('user_id', '../../etc/passwd').attach('image', alice, 'a.jpg').expect(400);
      await request(t.http).post('/api/v1/users/not-a-uuid/faces').attach('image', alice, 'a.jpg').expect(400);
    });
  });

  it('still answers normally afterwards: the enrolled face is recognised', async () => {
    const match = await recognise(await transformedCopy(alice)).expect(200);
    expect(match.body).toMatchObject({ status: 'success', user_info: { name: "Robert'); DROP TABLE users;--" } });
    await request(t.http).get('/health/ready').expect(200);
  });
});
