import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppProcess, compileApp, freePort, imageForm, spawnApp } from './support/compiled-app.js';
import { cropPortrait, npmSamplePhoto } from './support/face-photos.js';
import { seedEmbeddedDataDir } from './support/embedded-template.js';

interface DetectedFace {
  box: { x: number; y: number; width: number; height: number };
}

/** Every face of the npm sample photos as a one-person portrait: distinct people to enroll. */
async function portraits(app: AppProcess): Promise<Buffer[]> {
  const result: Buffer[] = [];
  for (const index of [1, 2, 3, 4, 5, 6]) {
    const photo = npmSamplePhoto(index);
    const response = await fetch(`${app.url}/api/v1/detect`, { method: 'POST', body: imageForm(photo) });
    const { faces } = (await response.json()) as { faces: DetectedFace[] };
    for (const face of faces) result.push(await cropPortrait(photo, face.box));
  }
  return result;
}

describe('the compiled service under signals', () => {
  let build: ReturnType<typeof compileApp>;
  let dataDir: string;
  const running: AppProcess[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const app = await spawnApp(build.mainJs, dataDir, env);
    running.push(app);
    return app;
  };

  beforeAll(() => {
    build = compileApp();
  }, 180_000);
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'face-matrix-signals-'));
    await seedEmbeddedDataDir(dataDir);
  });
  afterEach(async () => {
    for (const app of running.splice(0)) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });
  afterAll(() => build?.remove());

  it('SIGKILL during enrollments leaves no half-written user or orphan face; a restart keeps every enrolled user', async () => {
    const first = await start();
    const faces = await portraits(first);
    expect(faces.length).toBeGreaterThanOrEqual(12);

    const enrolled: string[] = [];
    let killed = false;
    const enroll = async (face: Buffer, i: number) => {
      try {
        const response = await fetch(`${first.url}/api/v1/add_user`, {
          method: 'POST',
          body: imageForm(face, { name: `Person ${i}`, birthdate: '1980-01-01' }),
        });
        if (response.status === 201) enrolled.push(((await response.json()) as { user_id: string }).user_id);
      } catch {
        // the connection died with the process
      }
      // Kill once a few users are committed, with other enrollments in flight.
      if (enrolled.length >= 4 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < faces.length && !killed) await enroll(faces[next], next++);
      }),
    );
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(enrolled.length).toBeGreaterThanOrEqual(4);

    const second = await start();
    for (const id of enrolled) {
      const response = await fetch(`${second.url}/api/v1/users/${id}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { faces: number }).faces).toBeGreaterThanOrEqual(1);
    }
    const list = (await (await fetch(`${second.url}/api/v1/users?limit=200`)).json()) as { items: { faces: number }[] };
    for (const user of list.items) expect(user.faces).toBeGreaterThanOrEqual(1);
    // The API still serves: an enrolled person is recognised.
    const match = await fetch(`${second.url}/api/v1/recognise_user`, { method: 'POST', body: imageForm(faces[0]) });
    expect(((await match.json()) as { status: string }).status).toBe('success');
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    // The same check in SQL, on the files the killed and restarted processes left.
    const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), extensions: { vector } });
    try {
      const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0].n;
      expect(await count('SELECT count(*)::int AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM faces f WHERE f.user_id = u.id)')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM faces f WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.user_id)')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM users')).toBeGreaterThanOrEqual(enrolled.length);
    } finally {
      await db.close();
    }
  }, 240_000);

  it('SIGTERM lets in-flight requests finish with 200, then exits 0', async () => {
    const app = await start({ MAX_INFLIGHT_RECOGNITIONS: '1' });
    const bigPhoto = npmSamplePhoto(1);
    const inFlight = Array.from({ length: 3 }, () => fetch(`${app.url}/api/v1/detect`, { method: 'POST', body: imageForm(bigPhoto) }));
    // Wait until the server holds all three (one running, two queued), so the signal lands mid-work.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      const load = (name: string) => Number(new RegExp(`^face_matrix_pipeline_${name} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
      if (load('inflight') + load('queued') >= 3) break;
      if (Date.now() > deadline) throw new Error('requests never reached the pipeline');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    app.child.kill('SIGTERM');
    const responses = await Promise.all(inFlight);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    for (const response of responses) expect(((await response.json()) as { faces: unknown[] }).faces.length).toBeGreaterThan(0);
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).toMatch(/SIGTERM: draining/);
  }, 120_000);

  it('SIGTERM after clients hung up waits for their pipeline work before freeing the models', async () => {
    const app = await start({ MAX_INFLIGHT_RECOGNITIONS: '1' });
    const aborts = Array.from({ length: 8 }, () => new AbortController());
    const abandoned = aborts.map((abort) =>
      fetch(`${app.url}/api/v1/detect`, { method: 'POST', body: imageForm(npmSamplePhoto(1)), signal: abort.signal }).catch(() => 'aborted'),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      if (/^face_matrix_pipeline_queued [1-9]/m.test(metrics)) break;
      if (Date.now() > deadline) throw new Error('requests never queued in the pipeline');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The clients leave: the HTTP server forgets these requests, but their work is still queued.
    for (const abort of aborts) abort.abort();
    expect(await Promise.all(abandoned)).toEqual(aborts.map(() => 'aborted'));
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).not.toMatch(/already disposed|ONNX Runtime failed/);
  }, 120_000);

  it('keeps a replica whose database is unreachable listening, saying why it is not ready, then exits 1 at DATABASE_START_TIMEOUT_MS', async () => {
    const deadPort = await freePort();
    const app = await spawnApp(
      build.mainJs,
      dataDir,
      { DATABASE_URL: `postgresql://face:matrix@127.0.0.1:${deadPort}/face`, DATABASE_START_TIMEOUT_MS: '10000' },
      { until: 'listening' },
    );
    running.push(app);
    const ready = await fetch(`${app.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { details: { database: { message: string } } }).details.database.message).toMatch(
      /^starting: .*cannot connect \(ECONNREFUSED\)/,
    );
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.output()).toMatch(/Database not reachable within DATABASE_START_TIMEOUT_MS \(10000 ms\): cannot connect \(ECONNREFUSED\)/);
    expect(app.output()).not.toMatch(/matrix@/); // the password in DATABASE_URL never lands in the log
  }, 60_000);
});
