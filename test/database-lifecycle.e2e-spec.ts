import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { FacesRepository } from '../src/gallery/faces.repository.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { describeEachEngine, startStoppableDatabase, StoppableDatabase } from './support/database-engines.js';
import { sharedPostgres } from './support/real-postgres.js';
import { sampleFace, startTestApp } from './support/test-app.js';
import { waitFor } from './support/wire-postgres.js';

describeEachEngine('database durability', (engine) => {
  it('keeps every user and face across an app restart', async () => {
    // Embedded: the same DATA_DIR; real PostgreSQL: the same database.
    const database = engine === 'postgres' ? await sharedPostgres().createDatabase() : undefined;
    const env = database ? { DATABASE_URL: database.url } : {};
    const first = await startTestApp(env);
    const user = await first.app.get(UsersRepository).create({ name: 'Durable', birthdate: new Date('1970-05-06'), email: 'd@example.com' });
    await first.app.get(FacesRepository).insert(user.id, sampleFace(42));
    await first.close({ keepData: true });

    // Restarted with another buffer cache size: the setting is applied at every start, not only the first.
    const second = await startTestApp({ ...env, DATA_DIR: first.dataDir, EMBEDDED_SHARED_BUFFERS_MB: '48' });
    try {
      if (engine === 'embedded') {
        const [setting] = await second.app.get(PrismaService).$queryRawUnsafe<{ shared_buffers: string }[]>('SHOW shared_buffers');
        expect(setting.shared_buffers).toBe('48MB');
      }
      const response = await request(second.http).get(`/api/v1/users/${user.id}`).expect(200);
      expect(response.body).toMatchObject({ name: 'Durable', email: 'd@example.com', faces: 1 });
      const [nearest] = await second.app.get(FacesRepository).nearestUsers([sampleFace(42).embedding], 1);
      expect(nearest[0].user.id).toBe(user.id);
    } finally {
      await second.close();
      await database?.drop();
    }
  }, 60_000);
});

describeEachEngine('an external PostgreSQL through adapter-pg (embedded = PGlite served over the wire)', (engine) => {
  let postgres: StoppableDatabase;

  beforeAll(async () => {
    postgres = await startStoppableDatabase(engine);
  });
  afterAll(() => postgres.close());

  it('migrates, serves, goes 503 while the database is down, and recovers without a restart', async () => {
    const t = await startTestApp(postgres.env);
    try {
      const migrations = await t.app
        .get(PrismaService)
        .$queryRawUnsafe<{ migration_name: string }[]>('SELECT migration_name FROM _prisma_migrations');
      expect(migrations.map((row) => row.migration_name)).toContain('20261128000000_init');

      const user = await t.app.get(UsersRepository).create({ name: 'Remote', birthdate: new Date('1999-12-31'), email: null });
      await t.app.get(FacesRepository).insert(user.id, sampleFace(7));
      await request(t.http).get(`/api/v1/users/${user.id}`).expect(200);
      await request(t.http).get('/health/ready').expect(200);

      await postgres.stop();
      const down = await request(t.http).get('/health/ready').expect(503);
      expect(down.body).toMatchObject({ status: 'error', details: { database: { status: 'down' } } });
      const api = await request(t.http).get(`/api/v1/users/${user.id}`).expect(503);
      expect(api.body).toMatchObject({ status: 'error', error_code: 503 });
      expect(api.headers['retry-after']).toBeDefined();
      await request(t.http).get('/health/live').expect(200);

      await postgres.start();
      await waitFor(async () => (await request(t.http).get('/health/ready')).status === 200);
      await request(t.http).get(`/api/v1/users/${user.id}`).expect(200);
    } finally {
      await t.close();
    }
  }, 90_000);
});
