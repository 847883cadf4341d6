import request from 'supertest';
import { onRealPostgres } from './support/database-engines.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { sharedPostgres, superuserQuery, TestDatabase } from './support/real-postgres.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

/** Several app replicas (in one process, each with its own pool) on one real PostgreSQL database. */
onRealPostgres('replicas sharing one real PostgreSQL', () => {
  let database: TestDatabase;
  let replicas: TestApp[];
  let face: Buffer;
  let faceAgain: Buffer;

  const http = (replica: number) => replicas[replica % replicas.length].http;
  const recognise = (replica: number, image = face) =>
    request(http(replica)).post('/api/v1/recognise_user').attach('image', image, 'face.jpg').timeout(30_000);
  const redeem = (replica: number, reqId: string, name: string) =>
    request(http(replica)).post('/api/v1/add_user').send({ name, birthdate: '1980-05-06', req_id: reqId }).timeout(30_000);
  const issueKey = async (replica: number) => {
    const response = await recognise(replica).expect(200);
    expect(response.body.message).toBe('no_match');
    return response.body.req_id as string;
  };
  const remove = (userId: string) => request(http(0)).delete(`/api/v1/users/${userId}`).expect(204);

  beforeAll(async () => {
    // Three replicas starting at once on an empty database, as a first deployment does.
    database = await sharedPostgres().createDatabase({ migrated: false });
    replicas = await Promise.all(
      [0, 1, 2].map(() => startTestApp({ DATABASE_URL: database.url, ORT_WORKER_THREADS: '1', ENROLLMENT_TTL_SECONDS: '300' })),
    );
    const photo = npmSamplePhoto(2);
    const detected = await request(http(0)).post('/api/v1/detect').attach('image', photo, 'group.jpg').expect(200);
    face = await cropPortrait(photo, (detected.body.faces as DetectedFace[])[0].box);
    faceAgain = await transformedCopy(face);
  }, 180_000);

  // A failed round must not leave its user behind for the next test to match.
  afterEach(() => superuserQuery(database.url, 'DELETE FROM users'));

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
    await database?.drop();
  });

  it('starts three replicas at once on an empty database: all ready, each migration recorded once', async () => {
    for (let replica = 0; replica < 3; replica++) await request(http(replica)).get('/health/ready').expect(200);
    const recorded = await superuserQuery<{ migration_name: string; n: string }>(
      database.url,
      'SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name',
    );
    expect(recorded.length).toBeGreaterThan(0);
    for (const row of recorded) expect(Number(row.n)).toBe(1);
  });

  it('redeems a key issued on one replica on another; the third recognises the new user', async () => {
    const reqId = await issueKey(0);
    const created = await redeem(1, reqId, 'Cross Replica').expect(201);
    const match = await recognise(2, faceAgain).expect(200);
    expect(match.body).toMatchObject({ status: 'success', user_info: { id: created.body.user_id, name: 'Cross Replica' } });
    await remove(created.body.user_id);
  });

  it('lets exactly one of nine concurrent redemptions of one key, across three replicas, succeed', async () => {
    const reqId = await issueKey(1);
    const responses = await Promise.all(Array.from({ length: 9 }, (_, i) => redeem(i, reqId, `Racer ${i}`)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array(8).fill(404)]);
    for (const response of responses.filter((r) => r.status === 404)) expect(response.body.error_code).toBe(442);
    await remove(responses.find((response) => response.status === 201)!.body.user_id);
  });

  it.each([
    ['on one replica', [0, 0]],
    ['across two replicas', [1, 2]],
  ])(
    'enrolls one face once when two of its keys are redeemed at once %s',
    async (_label, [first, second]) => {
      for (let round = 0; round < 6; round++) {
        const keys = [await issueKey(first), await issueKey(second)];
        const responses = await Promise.all([redeem(first, keys[0], 'Twin A'), redeem(second, keys[1], 'Twin B')]);
        expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
        expect(responses.find((response) => response.status === 409)!.body.error_code).toBe(471);
        await remove(responses.find((response) => response.status === 201)!.body.user_id);
      }
    },
    120_000,
  );

  it('enrolls one face once when the same photo is sent to two replicas at once', async () => {
    const enroll = (replica: number, name: string) =>
      request(http(replica))
        .post('/api/v1/add_user')
        .field('name', name)
        .field('birthdate', '1980-05-06')
        .attach('image', face, 'face.jpg')
        .timeout(30_000);
    for (let round = 0; round < 4; round++) {
      const responses = await Promise.all([enroll(0, 'Photo A'), enroll(1, 'Photo B')]);
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      await remove(responses.find((response) => response.status === 201)!.body.user_id);
    }
  }, 120_000);
});
