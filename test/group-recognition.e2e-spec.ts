import { jest } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { InferenceBackend } from '../src/inference/inference-backend.js';
import { FACE_MODELS } from '../src/inference/model-repository.js';
import { describeEachEngine } from './support/database-engines.js';
import {
  blankImage,
  type Box,
  cropPortrait,
  faceGrid,
  lfwPortraits,
  npmSamplePhoto,
  samplePortraits,
  sharedDataDir,
  transformedCopy,
} from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface Candidate {
  user_id: string;
  name: string;
  similarity: number;
}
interface AnsweredFace {
  box: Box;
  status: 'match' | 'no_match';
  user_info: { id: string; name: string } | null;
  similarity?: number;
  candidates: Candidate[];
  req_id?: string;
  enrollmentKey?: { req_id: string; metadata: { box: Box } };
}

const examplesDir = (() => {
  const data = sharedDataDir();
  const directory = data && path.join(data, 'photos', 'face_recognition_examples', 'examples');
  return directory && existsSync(directory) ? directory : undefined;
})();
if (!examplesDir) console.log('Skipping the Obama and Biden group photos: ../shared/data/photos/face_recognition_examples not found');
const withExamples = examplesDir ? it : it.skip;

function overlap(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width <= 0 || height <= 0 ? 0 : (width * height) / (a.width * a.height + b.width * b.height - width * height);
}
const centreX = (box: Box) => box.x + box.width / 2;

describeEachEngine('every face of a group photo, end to end with real photos', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ENROLLMENT_TTL_SECONDS: '120' }, { engine });
  });
  afterAll(() => t.close());

  const recognise = (photo: Buffer, fields: Record<string, string> = {}) => {
    const pending = request(t.http).post('/api/v1/recognise');
    for (const [name, value] of Object.entries(fields)) pending.field(name, value);
    return pending.attach('image', photo, 'group.jpg');
  };
  const faces = async (photo: Buffer, fields: Record<string, string> = {}) => {
    const response = await recognise(photo, fields).expect(200);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    return response.body as { faces_detected: number; faces: AnsweredFace[] };
  };
  const detectBoxes = async (photo: Buffer): Promise<Box[]> =>
    (await request(t.http).post('/api/v1/detect').attach('image', photo, 'p.jpg').expect(200)).body.faces.map((f: { box: Box }) => f.box);
  const enrollPhoto = async (photo: Buffer, name: string): Promise<string> =>
    (await request(t.http).post('/api/v1/add_user').field('name', name).field('birthdate', '1970-01-01').attach('image', photo, 'me.jpg').expect(201))
      .body.user_id;
  const enrollKey = (reqId: string, name: string) => request(t.http).post('/api/v1/add_user').send({ name, birthdate: '1980-02-03', req_id: reqId });
  const forget = async (...ids: string[]) => {
    for (const id of ids) await request(t.http).delete(`/api/v1/users/${id}`).expect(204);
  };
  const at = (answer: { faces: AnsweredFace[] }, box: Box) => answer.faces.find((face) => overlap(face.box, box) > 0.5);

  it('names an enrolled person on their own face, gives every unknown face its own key, and such a key enrolls that face', async () => {
    const photo = npmSamplePhoto(1);
    const boxes = await detectBoxes(photo);
    expect(boxes).toHaveLength(3);
    const anna = await enrollPhoto(await transformedCopy(await cropPortrait(photo, boxes[1])), 'Anna Group');

    const first = await faces(photo);
    expect(first.faces_detected).toBe(3);
    expect(first.faces).toHaveLength(3);
    expect(at(first, boxes[1])).toMatchObject({ status: 'match', user_info: { id: anna, name: 'Anna Group' }, similarity: expect.any(Number) });
    const unknown = first.faces.filter((face) => face.status === 'no_match');
    expect(unknown.map((face) => face.box)).toEqual(expect.arrayContaining([boxes[0], boxes[2]].map((box) => expect.objectContaining({ x: box.x }))));
    for (const face of unknown) {
      expect(face).toMatchObject({ user_info: null, enrollmentKey: { req_id: face.req_id, metadata: { box: face.box } } });
      expect(face).not.toHaveProperty('similarity');
    }
    expect(new Set(unknown.map((face) => face.req_id)).size).toBe(2);

    // The key of the face at boxes[2] enrolls exactly that face: the next photo names it there.
    const key = at(first, boxes[2])!.req_id!;
    const bella = (await enrollKey(key, 'Bella Group').expect(201)).body.user_id;
    await enrollKey(key, 'Bella Again').expect(404);
    const second = await faces(photo);
    expect(at(second, boxes[2])).toMatchObject({ status: 'match', user_info: { id: bella, name: 'Bella Group' } });
    expect(at(second, boxes[1])).toMatchObject({ status: 'match', user_info: { id: anna } });
    expect(at(second, boxes[0])).toMatchObject({ status: 'no_match', req_id: expect.any(String) });
    await forget(anna, bella);
  });

  withExamples('names Obama and Biden on their own faces in photos of both, enrolled from other photos of each', async () => {
    const example = (file: string) => readFileSync(path.join(examplesDir!, file));
    const obama = await enrollPhoto(example('obama.jpg'), 'Barack Obama');
    const biden = await enrollPhoto(example('biden.jpg'), 'Joe Biden');

    // Biden waves on the left, Obama on the right, a girl below on the right (nobody enrolled).
    const rally = example('knn_examples/test/obama_and_biden.jpg');
    const { width = 0 } = await sharp(rally).metadata();
    const answer = await faces(rally);
    expect(answer.faces_detected).toBe(3);
    const named = (id: string) => answer.faces.find((face) => face.user_info?.id === id);
    expect(named(biden)).toMatchObject({ status: 'match', user_info: { name: 'Joe Biden' } });
    expect(named(obama)).toMatchObject({ status: 'match', user_info: { name: 'Barack Obama' } });
    expect(centreX(named(biden)!.box)).toBeLessThan(width / 2);
    expect(centreX(named(obama)!.box)).toBeGreaterThan(width / 2);
    expect(centreX(named(obama)!.box)).toBeGreaterThan(centreX(named(biden)!.box) + 200);
    const girl = answer.faces.find((face) => face.status === 'no_match');
    expect(girl?.req_id).toEqual(expect.any(String));

    // Side by side the other way round: Obama left, Biden right.
    const pair = example('two_people.jpg');
    const side = await faces(pair);
    expect(side.faces.map((face) => face.user_info?.name)).toEqual(expect.arrayContaining(['Barack Obama', 'Joe Biden']));
    const [left, right] = [...side.faces].sort((a, b) => centreX(a.box) - centreX(b.box));
    expect([left.user_info?.id, right.user_info?.id]).toEqual([obama, biden]);
    await forget(obama, biden);
  });

  it('keeps the most prominent faces under max_faces, and still counts them all', async () => {
    const photo = npmSamplePhoto(5);
    const all = await faces(photo);
    expect(all.faces_detected).toBe(5);
    expect(all.faces).toHaveLength(5);
    const two = await faces(photo, { max_faces: '2' });
    expect(two.faces_detected).toBe(5);
    expect(two.faces.map((face) => face.box)).toEqual(all.faces.slice(0, 2).map((face) => face.box));
    // The most prominent: recognise_user's choice leads.
    const single = await request(t.http).post('/api/v1/recognise_user').attach('image', photo, 'g.jpg').expect(200);
    expect(single.body.enrollmentKey.metadata.box).toEqual(all.faces[0].box);
  });

  it('lists candidates as distinct users, best first, on both routes; a user with two faces appears once', async () => {
    const photo = npmSamplePhoto(6);
    const boxes = await detectBoxes(photo);
    const portraits = await Promise.all(boxes.slice(0, 3).map((box) => cropPortrait(photo, box)));
    const ids = [];
    for (const [i, portrait] of portraits.entries()) ids.push(await enrollPhoto(portrait, `Candidate ${i}`));
    await request(t.http)
      .post(`/api/v1/users/${ids[0]}/faces`)
      .attach('image', await transformedCopy(portraits[0]), 'again.jpg')
      .expect(201);

    const answer = await faces(photo, { candidates: '3' });
    for (const face of answer.faces) {
      expect(face.candidates.length).toBeGreaterThan(0);
      expect(face.candidates.length).toBeLessThanOrEqual(3);
      expect(new Set(face.candidates.map((c) => c.user_id)).size).toBe(face.candidates.length);
      const similarities = face.candidates.map((c) => c.similarity);
      expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
      if (face.status === 'match')
        expect(face.candidates[0]).toEqual({ user_id: face.user_info!.id, name: face.user_info!.name, similarity: face.similarity });
    }
    // The person with two faces: named first, once; the others follow, below the match threshold.
    const twoFaces = at(answer, boxes[0])!;
    expect(twoFaces.candidates[0].user_id).toBe(ids[0]);
    expect(twoFaces.candidates).toHaveLength(3);
    expect(twoFaces.candidates[1].similarity).toBeLessThan(0.49);
    expect((await faces(photo)).faces.every((face) => face.candidates.length === 1)).toBe(true);

    const withCandidates = await request(t.http)
      .post('/api/v1/recognise_user')
      .field('candidates', '3')
      .attach('image', portraits[0], 'p.jpg')
      .expect(200);
    const listed: Candidate[] = withCandidates.body.candidates;
    expect(listed).toHaveLength(3);
    expect(listed[0]).toEqual({ user_id: ids[0], name: 'Candidate 0', similarity: withCandidates.body.similarity });
    expect(new Set(listed.map((c) => c.user_id)).size).toBe(3);
    expect(listed.map((c) => c.similarity)).toEqual(listed.map((c) => c.similarity).sort((a, b) => b - a));
    const plain = await request(t.http).post('/api/v1/recognise_user').attach('image', portraits[0], 'p.jpg').expect(200);
    expect(plain.body).not.toHaveProperty('candidates');
    await forget(...ids);
  });

  it('refuses what it cannot use: no face (601), only faces too small (603), bad fields (400 naming them), not an image (415)', async () => {
    const noFace = await recognise(await blankImage()).expect(422);
    expect(noFace.body).toMatchObject({ status: 'error', error_code: 601 });

    const portraits = await samplePortraits(4, detectBoxes);
    const tiny = await faceGrid(await Promise.all(portraits.map((p) => sharp(p).resize(46, 46).toBuffer())), {
      columns: 4,
      width: 480,
      height: 200,
      side: 46,
    });
    expect((await detectBoxes(tiny)).length).toBeGreaterThan(0);
    const tooSmall = await recognise(tiny).expect(422);
    expect(tooSmall.body).toMatchObject({ status: 'error', error_code: 603, message: expect.stringMatching(/smaller than 32 px/) });
    expect((await request(t.http).post('/api/v1/recognise_user').attach('image', tiny, 't.jpg').expect(422)).body.error_code).toBe(603);

    for (const [field, value] of [
      ['max_faces', '0'],
      ['max_faces', '51'],
      ['max_faces', 'ten'],
      ['max_faces', '2.5'],
      ['candidates', '0'],
      ['candidates', '11'],
      ['color', 'red'],
    ]) {
      const refused = await recognise(npmSamplePhoto(2), { [field]: value }).expect(400);
      expect({ field, value, details: refused.body.details }).toEqual({ field, value, details: [expect.objectContaining({ field })] });
    }
    const userRefused = await request(t.http)
      .post('/api/v1/recognise_user')
      .field('candidates', '11')
      .attach('image', npmSamplePhoto(2), 'g.jpg')
      .expect(400);
    expect(userRefused.body.details).toEqual([{ field: 'candidates', message: 'candidates must be a whole number from 1 to 10' }]);
    const missing = await request(t.http).post('/api/v1/recognise').field('max_faces', '3').expect(400);
    expect(missing.body.details[0].field).toBe('image');
    expect((await recognise(Buffer.from('not an image at all')).expect(415)).body.error_code).toBe(415);
  });

  it('embeds a 6-face photo in one embedder run, searches it with one SQL statement and parks its keys with one insert', async () => {
    const portraits = lfwPortraits(6) ?? (await samplePortraits(6, detectBoxes));
    const photo = await faceGrid(portraits, { columns: 3, width: 1500, height: 1000, side: 360 });
    const known = await enrollPhoto(portraits[0], 'Known One');
    const backend = t.app.get(InferenceBackend);
    const prisma = t.app.get(PrismaService);
    const infer = jest.spyOn(backend, 'infer');
    const statements = [jest.spyOn(prisma, '$queryRawUnsafe'), jest.spyOn(prisma, '$executeRawUnsafe')];
    const transactions = jest.spyOn(prisma, '$transaction');
    try {
      const answer = await faces(photo);
      expect(answer.faces_detected).toBe(6);
      expect(answer.faces.filter((face) => face.status === 'match').map((face) => face.user_info?.id)).toEqual([known]);

      const runsOf = (model: string) => infer.mock.calls.filter(([name]) => name === model).map(([, inputs]) => inputs.input.dims[0]);
      expect(runsOf(FACE_MODELS.embedder)).toEqual([12]); // 6 faces and their mirror images
      expect(runsOf(FACE_MODELS.landmarks5)).toHaveLength(12); // O-Net twice per face (it has no batch dimension)
      expect(runsOf(FACE_MODELS.detector).length).toBeGreaterThan(0);

      const sql = statements
        .flatMap((spy) => spy.mock.calls.map(([text]) => String(text).replace(/\s+/g, ' ').trim()))
        // The cache's scheduled purge runs on its own clock and may land inside this request on a slow machine.
        .filter((text) => !text.startsWith('DELETE FROM vectors_cache WHERE expires_at'));
      const knn = sql.filter((text) => text.includes('nearest_faces'));
      const inserts = sql.filter((text) => text.startsWith('INSERT INTO vectors_cache'));
      expect(knn).toHaveLength(1);
      expect(inserts).toHaveLength(1);
      // All that ran: the per-transaction search settings, the k-NN statement (in one transaction), the one insert.
      expect(sql).toHaveLength(3);
      expect(transactions).toHaveBeenCalledTimes(1);
      const insertCall = statements[1].mock.calls.find(([text]) => String(text).includes('INSERT INTO vectors_cache'))!;
      expect((insertCall[1] as string[]).length).toBe(5);
    } finally {
      jest.restoreAllMocks();
    }
    await forget(known);
  });
});
