import request from 'supertest';
import { PrismaService } from '../src/database/prisma.service.js';
import { freePort } from './support/compiled-app.js';
import { onRealPostgres } from './support/database-engines.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { PostgresCluster, superuserQuery, TestDatabase } from './support/real-postgres.js';
import { Answer, sleep, statusCounts, underLoad } from './support/request-load.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { waitFor } from './support/wire-postgres.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

/** Longest any answer may take while the database fails: the pipeline's own deadline (PIPELINE_TIMEOUT_MS). */
const DEADLINE_MS = 15_000;

/** Every answer a 200 or a 503 with error_code 503 and Retry-After, within the deadline; never a 500, never a hang. */
function expectOnly200Or503(answers: Answer[]): void {
  const counts = statusCounts(answers);
  expect(Object.keys(counts).filter((status) => status !== '200' && status !== '503')).toEqual([]);
  for (const answer of answers.filter((a) => a.status === 503)) expect(answer).toMatchObject({ errorCode: 503, retryAfter: expect.any(String) });
  expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(DEADLINE_MS);
}

/** A cluster of this suite's own: these tests stop it, kill its sessions and shrink its connection limit. */
onRealPostgres('a real PostgreSQL that fails under the replicas', () => {
  let cluster: PostgresCluster;
  let face: Buffer;
  let faceAgain: Buffer;
  const opened: TestApp[] = [];
  const databases: TestDatabase[] = [];

  const replica = async (url: string, env: Record<string, string> = {}, waitForDatabase = true) => {
    const app = await startTestApp({ DATABASE_URL: url, ORT_WORKER_THREADS: '1', ...env }, { waitForDatabase });
    opened.push(app);
    return app;
  };
  const database = async (options: { migrated?: boolean } = {}) => {
    const created = await cluster.createDatabase(options);
    databases.push(created);
    return created;
  };

  beforeAll(async () => {
    cluster = await PostgresCluster.start();
    const photo = npmSamplePhoto(2);
    const probe = await replica((await database()).url);
    const detected = await request(probe.http).post('/api/v1/detect').attach('image', photo, 'group.jpg').expect(200);
    face = await cropPortrait(photo, (detected.body.faces as DetectedFace[])[0].box);
    faceAgain = await transformedCopy(face);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((app) => app.close()));
    await cluster.start().catch(() => undefined); // a failed test may have left it stopped
  });

  afterAll(async () => {
    for (const created of databases) await created.drop().catch(() => undefined);
    await cluster?.destroy();
  });

  it('keeps a replica started while the database is down retrying, says why in readiness, and serves once it is up', async () => {
    const { url } = await database();
    await cluster.stop();
    const t = await replica(url, { DATABASE_START_TIMEOUT_MS: '60000' }, false);
    await sleep(1500);
    const ready = await request(t.http).get('/health/ready').expect(503);
    expect(ready.body.details.database).toEqual({
      status: 'down',
      message: expect.stringMatching(
        /^starting: connecting and applying migrations; attempt [2-9] failed: cannot connect \(ECONNREFUSED\); retrying until 20\d\d-/,
      ),
    });
    const api = await request(t.http).get('/api/v1/users').expect(503);
    expect(api.body).toMatchObject({ status: 'error', error_code: 503 });
    expect(api.headers['retry-after']).toBeDefined();

    await cluster.start();
    await waitFor(async () => (await request(t.http).get('/health/ready')).status === 200, 20_000);
    await request(t.http).get('/api/v1/users').expect(200);
  }, 60_000);

  it('gives up after DATABASE_START_TIMEOUT_MS, saying why', async () => {
    const deadPort = await freePort();
    const t = await replica(`postgresql://postgres@127.0.0.1:${deadPort}/postgres`, { DATABASE_START_TIMEOUT_MS: '1500' }, false);
    const started = Date.now();
    await expect(t.app.get(PrismaService).started).rejects.toThrow(
      /not reachable within DATABASE_START_TIMEOUT_MS \(1500 ms\): cannot connect \(ECONNREFUSED\)/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const ready = await request(t.http).get('/health/ready').expect(503);
    expect(ready.body.details.database.message).toMatch(/^gave up; attempt \d+ failed: cannot connect/);
  });

  it('answers 200 or 503 (never 500, never past the deadline) while the database stops and restarts under load, and recovers without a restart', async () => {
    const { url } = await database();
    const replicas = [await replica(url), await replica(url)];
    const created = await request(replicas[0].http)
      .post('/api/v1/add_user')
      .field('name', 'Steady')
      .field('birthdate', '1970-01-01')
      .attach('image', face, 'f.jpg')
      .expect(201);
    const userId: string = created.body.user_id;
    const send = (i: number) => {
      const http = replicas[i % 2].http;
      return i % 3 === 0
        ? request(http).get(`/api/v1/users/${userId}`).timeout(DEADLINE_MS)
        : request(http).post('/api/v1/recognise_user').attach('image', faceAgain, 'p.jpg').timeout(DEADLINE_MS);
    };
    const outage = (async () => {
      await sleep(1500);
      await cluster.stop();
      await sleep(3000);
      await cluster.start();
      for (const t of replicas) await waitFor(async () => (await request(t.http).get('/health/ready')).status === 200, 20_000);
      await sleep(1500);
    })();
    const answers = await underLoad(send, 4, outage);
    expectOnly200Or503(answers);
    expect(statusCounts(answers)['503']).toBeGreaterThan(0);
    expect(answers.slice(-4).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const back = await send(1).expect(200);
    expect(back.body).toMatchObject({ status: 'success', user_info: { id: userId } });
  }, 120_000);

  it('answers 200 or 503, never 500, while sessions are killed mid-query (pg_terminate_backend, as in a failover)', async () => {
    const { url, name } = await database();
    const replicas = [await replica(url), await replica(url)];
    const created = await request(replicas[0].http)
      .post('/api/v1/add_user')
      .field('name', 'Killed')
      .field('birthdate', '1970-01-01')
      .attach('image', face, 'f.jpg')
      .expect(201);
    const userId: string = created.body.user_id;
    const send = (i: number) => {
      const http = replicas[i % 2].http;
      if (i % 4 === 0) return request(http).post('/api/v1/recognise_user').attach('image', faceAgain, 'p.jpg').timeout(DEADLINE_MS);
      return i % 2
        ? request(http).get(`/api/v1/users/${userId}`).timeout(DEADLINE_MS)
        : request(http).get('/api/v1/users?limit=50').timeout(DEADLINE_MS);
    };
    let kills = 0;
    const killer = (async () => {
      const stopAt = Date.now() + 5000;
      while (Date.now() < stopAt) {
        const rows = await superuserQuery(
          cluster.adminUrl,
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        kills += rows.length;
        await sleep(40);
      }
    })();
    const answers = await underLoad(send, 6, killer);
    expect(kills).toBeGreaterThan(10);
    expectOnly200Or503(answers);
    expect(statusCounts(answers)['200']).toBeGreaterThan(answers.length / 2);
  }, 60_000);

  it('answers a clear 503, never a 500, when replicas x pool exceed max_connections', async () => {
    // 6 connections, 3 of them kept for superusers: 3 for the application role, against 3 replicas x 10.
    await superuserQuery(cluster.adminUrl, 'ALTER SYSTEM SET max_connections = 6');
    await cluster.stop();
    await cluster.start();
    const { url, name } = await database({ migrated: false });
    await superuserQuery(cluster.adminUrl, 'DROP ROLE IF EXISTS face_matrix_app');
    await superuserQuery(cluster.adminUrl, 'CREATE ROLE face_matrix_app LOGIN');
    await superuserQuery(cluster.adminUrl, `ALTER DATABASE "${name}" OWNER TO face_matrix_app`);
    await superuserQuery(url, 'CREATE EXTENSION vector');
    const appUrl = url.replace('postgres@', 'face_matrix_app@');
    try {
      const replicas = [await replica(appUrl), await replica(appUrl), await replica(appUrl)];
      // Bursts until the pools outgrow the 3 connections: on a busy machine a burst can be served one
      // request at a time, with one connection per replica. Every answer of every burst is checked.
      const bursts: request.Response[] = [];
      for (let round = 0; round < 5 && !bursts.some((r) => r.status === 503); round++) {
        bursts.push(
          ...(await Promise.all(
            Array.from({ length: 45 }, (_, i) =>
              request(replicas[i % 3].http)
                .get('/api/v1/users?limit=100')
                .timeout(DEADLINE_MS),
            ),
          )),
        );
      }
      const answers: Answer[] = bursts.map((r) => ({ status: r.status, ms: 0, errorCode: r.body.error_code, retryAfter: r.headers['retry-after'] }));
      expectOnly200Or503(answers);
      expect(statusCounts(answers)['503']).toBeGreaterThan(0);
      const refused = bursts.find((r) => r.status === 503)!;
      expect(refused.body.message).toMatch(/database/i);
    } finally {
      await Promise.all(opened.splice(0).map((app) => app.close()));
      await superuserQuery(cluster.adminUrl, 'ALTER SYSTEM RESET max_connections');
      await cluster.stop();
      await cluster.start();
    }
  }, 90_000);
});
