import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { describeEachEngine } from './support/database-engines.js';
import { SECOND_EMBEDDER, SECOND_EMBEDDER_ENV, shippedEmbedder } from './support/embedders.js';
import { modelRepository } from './support/face-fixtures.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { sharedPostgres, TestDatabase } from './support/real-postgres.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { seedEmbeddedDataDir } from './support/embedded-template.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

/**
 * Bring your own embedder, end to end: the real app, the real second embedder models:build writes
 * (face_embedder_256), real photos. One gallery (a DATA_DIR, or a PostgreSQL database) lives through
 * four starts: made by the second embedder, refused to the shipped one, served again by its own,
 * then emptied and taken over by the shipped one at 512 dimensions.
 */
describeEachEngine('a gallery that knows its model: the second embedder end to end, and the refusal of another', (engine) => {
  let database: TestDatabase | undefined;
  let dataDir: string;
  let base: Record<string, string>;
  const photos: Record<'alice' | 'aliceAgain' | 'bob' | 'bobAgain' | 'carol', Buffer> = {} as never;
  let aliceId: string;
  /** Enrollment keys issued and not used: the gallery holds their vectors until they expire. */
  const pendingKeys: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'face-matrix-embedders-'));
    database = engine === 'postgres' ? await sharedPostgres().createDatabase() : undefined;
    if (!database) await seedEmbeddedDataDir(dataDir);
    base = { DATA_DIR: dataDir, ENROLLMENT_TTL_SECONDS: '300', ...(database ? { DATABASE_URL: database.url } : {}) };
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const recognise = (t: TestApp, image: Buffer) => request(t.http).post('/api/v1/recognise_user').attach('image', image, 'photo.jpg');
  const vectorColumns = async (t: TestApp) =>
    (
      await t.app
        .get(PrismaService)
        .$queryRawUnsafe<{ type: string }[]>(
          `SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a WHERE a.attrelid IN ('faces'::regclass, 'vectors_cache'::regclass) AND a.attname = 'embedding'`,
        )
    ).map((row) => row.type);

  /** A one-person portrait of the largest face in an npm sample photo, found through /detect itself. */
  async function portraitFrom(t: TestApp, sample: number): Promise<Buffer> {
    const photo = npmSamplePhoto(sample);
    const response = await request(t.http).post('/api/v1/detect').attach('image', photo, 'group.jpg').expect(200);
    return cropPortrait(photo, (response.body.faces as DetectedFace[])[0].box);
  }

  it('enrolls, recognises and verifies with the 256-D embedder, whose vectors the gallery stores at 256 dimensions', async () => {
    const t = await startTestApp({ ...base, ...SECOND_EMBEDDER_ENV }, { engine });
    try {
      photos.alice = await portraitFrom(t, 2);
      photos.aliceAgain = await transformedCopy(photos.alice);
      photos.bob = await portraitFrom(t, 3);
      photos.bobAgain = await transformedCopy(photos.bob);
      photos.carol = await portraitFrom(t, 6);
      expect(await vectorColumns(t)).toEqual(['vector(256)', 'vector(256)']);

      const first = await recognise(t, photos.alice).expect(200);
      expect(first.body).toMatchObject({ status: 'failure', message: 'no_match', user_info: null });
      const created = await request(t.http)
        .post('/api/v1/add_user')
        .send({ name: 'Alice Projected', birthdate: '1985-04-12', req_id: first.body.req_id })
        .expect(201);
      aliceId = created.body.user_id;
      const match = await recognise(t, photos.aliceAgain).expect(200);
      expect(match.body).toMatchObject({ status: 'success', user_info: { id: aliceId, name: 'Alice Projected' } });
      expect(match.body.similarity).toBeGreaterThanOrEqual(Number(SECOND_EMBEDDER_ENV.DUPLICATE_FACE_THRESHOLD));

      const unknownBob = await recognise(t, photos.bob).expect(200);
      expect(unknownBob.body.message).toBe('no_match');
      pendingKeys.push(unknownBob.body.req_id);
      const bob = await request(t.http)
        .post('/api/v1/add_user')
        .field('name', 'Bob Projected')
        .field('birthdate', '1990-01-01')
        .attach('image', photos.bob, 'b.jpg')
        .expect(201);
      expect((await recognise(t, photos.bobAgain).expect(200)).body.user_info.id).toBe(bob.body.user_id);
      const same = await request(t.http).post('/api/v1/verify').field('user_id', aliceId).attach('image', photos.aliceAgain, 'a.jpg').expect(200);
      expect(same.body).toMatchObject({ match: true, threshold: Number(SECOND_EMBEDDER_ENV.VERIFY_THRESHOLD) });
      const other = await request(t.http).post('/api/v1/verify').field('user_id', aliceId).attach('image', photos.carol, 'c.jpg').expect(200);
      expect(other.body.match).toBe(false);
      // Carol's key stays unused: the gallery then holds a live key of this embedder too.
      const stranger = await recognise(t, photos.carol).expect(200);
      expect(stranger.body.message).toBe('no_match');
      pendingKeys.push(stranger.body.req_id);

      const stored = await t.app
        .get(PrismaService)
        .$queryRawUnsafe<{ model: string; dimension: number; faces: number }[]>(
          `SELECT e.model, e.dimension, count(f.id)::int AS faces FROM embedders e JOIN faces f ON f.embedder_id = e.id GROUP BY e.model, e.dimension`,
        );
      expect(stored).toEqual([{ model: SECOND_EMBEDDER, dimension: 256, faces: 2 }]);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('refuses to start on that gallery with the shipped embedder, naming both embedders and what to do, and answers 503, never 500', async () => {
    const refusal = new RegExp(
      `^The gallery holds vectors of embedder "${SECOND_EMBEDDER}", not of the configured EMBEDDER_MODEL "face_embedder": not starting\\.`,
    );
    if (engine === 'embedded') {
      // The embedded database is claimed before the app exists: the start itself fails.
      const failure = await startTestApp({ ...base, ORT_WORKER_THREADS: '0' }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(refusal);
      expect(failure?.message).toMatch(/in the gallery: 2 face\(s\) and 2 enrollment key\(s\) expiring by .* made by "face_embedder_256" \(256-D/);
      expect(failure?.message).toMatch(/configured: +"face_embedder" \(512-D, model\.onnx sha256 beb70cbd2970…/);
      expect(failure?.message).toMatch(/set EMBEDDER_MODEL=face_embedder_256/);
      return;
    }
    // An external database is claimed in the background, as it is migrated: the replica listens, is never ready, and main.ts exits.
    const t = await startTestApp({ ...base, ORT_WORKER_THREADS: '1' }, { waitForDatabase: false });
    try {
      await expect(t.app.get(PrismaService).started).rejects.toThrow(refusal);
      const ready = await request(t.http).get('/health/ready').expect(503);
      expect(ready.body.details.database.message).toMatch(/gave up; attempt 1 failed: The gallery holds vectors of embedder "face_embedder_256"/);
      const api = await recognise(t, photos.alice).expect(503);
      expect(api.body).toMatchObject({ status: 'error', error_code: 503 });
    } finally {
      await t.close();
    }
  }, 120_000);

  it('serves the gallery again with its own embedder, every face kept; emptied, it takes the shipped embedder at 512 dimensions', async () => {
    const own = await startTestApp({ ...base, ...SECOND_EMBEDDER_ENV }, { engine });
    try {
      expect((await recognise(own, photos.aliceAgain).expect(200)).body.user_info.id).toBe(aliceId);
      // "Empty this one": every user deleted, and every pending key used up (instead of waiting for it to expire).
      const deleteEveryone = async () => {
        const users = await request(own.http).get('/api/v1/users').expect(200);
        for (const user of users.body.items as { id: string }[]) await request(own.http).delete(`/api/v1/users/${user.id}`).expect(204);
      };
      await deleteEveryone();
      for (const key of pendingKeys)
        await request(own.http).post('/api/v1/add_user').send({ name: 'Pending', birthdate: '2000-01-01', req_id: key }).expect(201);
      await deleteEveryone();
    } finally {
      await own.close();
    }
    const shipped = await startTestApp(base, { engine });
    try {
      expect(await vectorColumns(shipped)).toEqual(['vector(512)', 'vector(512)']);
      const miss = await recognise(shipped, photos.alice).expect(200);
      await request(shipped.http)
        .post('/api/v1/add_user')
        .send({ name: 'Alice Again', birthdate: '1985-04-12', req_id: miss.body.req_id })
        .expect(201);
      expect((await recognise(shipped, photos.aliceAgain).expect(200)).body).toMatchObject({ status: 'success', user_info: { name: 'Alice Again' } });
      const labels = await shipped.app.get(PrismaService).$queryRawUnsafe<{ embedder_id: string }[]>('SELECT DISTINCT embedder_id FROM faces');
      expect(labels).toEqual([{ embedder_id: shippedEmbedder().id }]);
    } finally {
      await shipped.close();
    }
  }, 180_000);
});

describe('an embedder that declares its preprocessing badly stops the start, naming what to fix', () => {
  it.each([
    [
      'a missing key',
      (text: string) => text.replace(/parameters \{\n {2}key: "face_matrix\.layout"[\s\S]*?\n\}\n/, ''),
      /"face_matrix.layout" is missing \(NCHW or NHWC\)/,
    ],
    [
      'a bad value',
      (text: string) => text.replace('string_value: "BGR"', 'string_value: "BRG"'),
      /"face_matrix.colour_order" is "BRG", expected RGB or BGR/,
    ],
  ])('%s', async (_, edit, expected) => {
    // A repository like the built one, but with the embedder's config.pbtxt edited.
    const repository = mkdtempSync(path.join(tmpdir(), 'face-matrix-repo-'));
    try {
      for (const model of ['face_detector', 'face_landmarks', 'face_landmarks5'])
        symlinkSync(path.join(modelRepository, model), path.join(repository, model));
      const embedderDir = path.join(repository, 'face_embedder');
      mkdirSync(embedderDir);
      cpSync(path.join(modelRepository, 'face_embedder', '1'), path.join(embedderDir, '1'), { recursive: true });
      const config = readFileSync(path.join(modelRepository, 'face_embedder', 'config.pbtxt'), 'utf8');
      const edited = edit(config);
      expect(edited).not.toBe(config);
      writeFileSync(path.join(embedderDir, 'config.pbtxt'), edited);
      await expect(startTestApp({ MODEL_REPOSITORY: repository, ORT_WORKER_THREADS: '0', DATA_DIR: path.join(repository, 'data') })).rejects.toThrow(
        expected,
      );
    } finally {
      rmSync(repository, { recursive: true, force: true });
    }
  });
});
