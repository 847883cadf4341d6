import request from 'supertest';
import { FacesRepository } from '../src/gallery/faces.repository.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { describeEachEngine } from './support/database-engines.js';
import { sampleFace, startTestApp, TestApp } from './support/test-app.js';

describeEachEngine('users API', (engine) => {
  let t: TestApp;
  let users: UsersRepository;
  let faces: FacesRepository;

  beforeAll(async () => {
    t = await startTestApp({}, { engine });
    users = t.app.get(UsersRepository);
    faces = t.app.get(FacesRepository);
  });
  afterAll(() => t.close());

  async function createUser(name: string, faceSeeds: number[], email: string | null = null): Promise<string> {
    const user = await users.create({ name, birthdate: new Date('1990-02-03'), email });
    for (const seed of faceSeeds) await faces.insert(user.id, sampleFace(seed));
    return user.id;
  }

  it('returns a user with their face count', async () => {
    const id = await createUser('Ada Lovelace', [1, 2], 'ada@example.com');
    const response = await request(t.http).get(`/api/v1/users/${id}`).expect(200);
    expect(response.body).toEqual({
      id,
      name: 'Ada Lovelace',
      birthdate: '1990-02-03',
      email: 'ada@example.com',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      faces: 2,
      requestId: response.headers['x-request-id'],
    });
  });

  it('pages through every user exactly once with the cursor', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 7; i++) created.add(await createUser(`Pager ${i}`, []));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { limit: 3 };
      if (cursor) query.cursor = cursor;
      const response = await request(t.http).get('/api/v1/users').query(query).expect(200);
      expect(response.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
      cursor = response.body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of created) expect(seen).toContain(id);
    expect(cursor).toBeNull();
  });

  it('deletes a user and every face vector of theirs', async () => {
    const id = await createUser('To Delete', [10, 11, 12]);
    const before = await faces.count();
    await request(t.http).delete(`/api/v1/users/${id}`).expect(204);
    expect(await faces.count()).toBe(before - 3);
    await request(t.http).get(`/api/v1/users/${id}`).expect(404);
    const again = await request(t.http).delete(`/api/v1/users/${id}`).expect(404);
    expect(again.body).toMatchObject({ status: 'error', error_code: 441 });
  });

  it.each([
    ['a non-UUID id', '/api/v1/users/not-a-uuid', 400, 400],
    ['an encoded path traversal', '/api/v1/users/..%2F..%2Fetc%2Fpasswd', 400, 400],
    ['a path traversal', '/api/v1/users/../../etc/passwd', 404, 443],
    ['a bad cursor', '/api/v1/users?cursor=bm90LWEtY3Vyc29y', 400, 400],
    ['a limit out of range', '/api/v1/users?limit=100000', 400, 400],
    ['an unknown route', '/api/v1/nope', 404, 443],
  ])('answers %s with the envelope', async (_label, url, status, errorCode) => {
    const response = await request(t.http).get(url).expect(status);
    expect(response.body).toEqual(
      expect.objectContaining({ status: 'error', error_code: errorCode, message: expect.any(String), requestId: expect.any(String) }),
    );
    expect(response.headers['content-type']).toMatch(/application\/json; charset=utf-8/);
    expect(JSON.stringify(response.body)).not.toMatch(/SELECT|prisma|node_modules|\/work\//i);
  });

  it('adds validation details to a 400', async () => {
    const response = await request(t.http).get('/api/v1/users?limit=0').expect(400);
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'limit' })]));
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const echoed = await request(t.http).get('/api/v1/users/not-a-uuid').set('x-request-id', 'client-abc.123');
    expect(echoed.headers['x-request-id']).toBe('client-abc.123');
    expect(echoed.body.requestId).toBe('client-abc.123');
    const replaced = await request(t.http).get('/api/v1/users').set('x-request-id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await request(t.http).get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document with every users route', async () => {
    const response = await request(t.http).get('/api/docs-json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/api/v1/users', '/api/v1/users/{id}', '/health/ready']));
    await request(t.http).get('/api/docs').expect(200);
  });
});
