import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { onRealPostgres } from './support/database-engines.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { PgBouncer, pgBouncerSkipReason } from './support/pgbouncer.js';
import { sharedPostgres, superuserQuery, TestDatabase } from './support/real-postgres.js';
import { startTestApp, TestApp } from './support/test-app.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

if (pgBouncerSkipReason) console.warn(`Skipping the PgBouncer test: ${pgBouncerSkipReason}`);

(pgBouncerSkipReason ? describe.skip : onRealPostgres)('two replicas through PgBouncer in transaction pooling mode', () => {
  let bouncer: PgBouncer;
  let database: TestDatabase;
  let replicas: TestApp[];

  beforeAll(async () => {
    database = await sharedPostgres().createDatabase({ migrated: false });
    bouncer = await PgBouncer.start(sharedPostgres().adminUrl);
    // Migrations go through PgBouncer too: one transaction, a transaction-level lock.
    const url = bouncer.through(database.url);
    replicas = await Promise.all([0, 1].map(() => startTestApp({ DATABASE_URL: url, HNSW_EF_SEARCH: '64', ORT_WORKER_THREADS: '1' })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
    await bouncer?.stop();
    await database?.drop();
  });

  it('migrates, enrolls on one replica, recognises on the other, with HNSW_EF_SEARCH applied per transaction', async () => {
    const recorded = await superuserQuery(database.url, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(recorded.length).toBeGreaterThan(0);

    const photo = npmSamplePhoto(3);
    const detected = await request(replicas[0].http).post('/api/v1/detect').attach('image', photo, 'g.jpg').expect(200);
    const face = await cropPortrait(photo, (detected.body.faces as DetectedFace[])[0].box);
    const miss = await request(replicas[0].http).post('/api/v1/recognise_user').attach('image', face, 'f.jpg').expect(200);
    const created = await request(replicas[1].http)
      .post('/api/v1/add_user')
      .send({ name: 'Pooled', birthdate: '1975-03-04', req_id: miss.body.req_id })
      .expect(201);
    const match = await request(replicas[0].http)
      .post('/api/v1/recognise_user')
      .attach('image', await transformedCopy(face), 'p.jpg')
      .expect(200);
    expect(match.body).toMatchObject({ status: 'success', user_info: { id: created.body.user_id } });

    const prisma = replicas[1].app.get(PrismaService);
    const [inside] = await prisma.inVectorSearch(prisma, (tx) =>
      tx.$queryRawUnsafe<{ ef: string }[]>(`SELECT current_setting('hnsw.ef_search') AS ef`),
    );
    expect(inside.ef).toBe('64');
  }, 90_000);
});
