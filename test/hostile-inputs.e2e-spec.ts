import { documentedOperations, Operation } from './support/route-variants.js';
import { listenOnLoopback, RawAnswer, rawRequest } from './support/raw-http.js';
import { startTestApp, TestApp } from './support/test-app.js';

/**
 * Inputs that once made a 500 (a JSON body nested 2,000 deep; a cursor on a date PostgreSQL
 * cannot hold), sent to every documented route: each must be a 4xx, never a 5xx.
 */

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const cursorAt = (createdAt: string) => Buffer.from(JSON.stringify([createdAt, ID])).toString('base64url');
const HOSTILE_CURSORS = ['0000-01-01T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z'].map(
  cursorAt,
);

const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth);
const DEEP_BODIES: [string, string][] = [
  ['arrays 2,000 deep', deepArrays(2_000)],
  ['objects 2,000 deep', deepObjects(2_000)],
  ['arrays 50,000 deep (just under the body limit)', deepArrays(50_000)],
  ['a name 2,000 deep inside a valid body', `{"name":${deepArrays(2_000)},"birthdate":"1990-01-01","req_id":"k"}`],
  ['a req_id 5,000 deep inside a valid body', `{"name":"Jane","birthdate":"1990-01-01","req_id":${deepObjects(5_000)}}`],
];

describe('hostile inputs on every route', () => {
  let t: TestApp;
  let port: number;
  let operations: Operation[];
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    port = await listenOnLoopback(t);
    operations = await documentedOperations(t);
  });
  afterAll(() => t.close());

  const describeAnswer = (operation: Operation, what: string, answer: RawAnswer) =>
    `${operation.method} ${operation.template} with ${what}: ${answer.status} ${answer.text.slice(0, 120)}`;

  it('answers deeply nested JSON with a 4xx on every route', async () => {
    const serverErrors: string[] = [];
    for (const operation of operations) {
      for (const [label, body] of DEEP_BODIES) {
        const answer = await rawRequest(port, {
          method: operation.method,
          path: operation.path,
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (answer.status >= 500) serverErrors.push(describeAnswer(operation, label, answer));
      }
    }
    expect(serverErrors).toEqual([]);
  });

  it('refuses JSON nested over the limit in add_user with a 400 (error_code 401) before validation', async () => {
    for (const [, body] of DEEP_BODIES) {
      const answer = await rawRequest(port, { method: 'POST', path: '/api/v1/add_user', headers: { 'content-type': 'application/json' }, body });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ status: 'error', error_code: 401, message: expect.stringContaining('nested') });
    }
  });

  it('answers cursors on out-of-range dates, and deep query strings, with a 4xx on every route', async () => {
    const serverErrors: string[] = [];
    const queries = [...HOSTILE_CURSORS.map((cursor) => `cursor=${cursor}`), `${'a'.concat('[a]'.repeat(500))}=1`, 'limit[a][b][c]=1&cursor[x]=y'];
    for (const operation of operations) {
      for (const query of queries) {
        const body = operation.method === 'POST' ? '{}' : undefined;
        const headers = body ? { 'content-type': 'application/json' } : undefined;
        const answer = await rawRequest(port, { method: operation.method, path: `${operation.path}?${query}`, headers, body });
        if (answer.status >= 500) serverErrors.push(describeAnswer(operation, query.slice(0, 40), answer));
      }
    }
    expect(serverErrors).toEqual([]);
  });

  it('refuses a cursor on a date PostgreSQL cannot hold with a 400 naming the cursor', async () => {
    for (const cursor of HOSTILE_CURSORS) {
      const answer = await rawRequest(port, { method: 'GET', path: `/api/v1/users?cursor=${cursor}` });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error_code: 400, details: [{ field: 'cursor', message: expect.any(String) }] });
    }
  });

  it('answers a multipart form with deeply nested field names with a 4xx on every POST route', async () => {
    const serverErrors: string[] = [];
    const boundary = 'hostile-boundary';
    const field = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body =
      field(`name${'[a]'.repeat(30)}`, 'x') + field('birthdate', '1990-01-01') + field(`req_id${'[]'.repeat(40)}`, 'k') + `--${boundary}--\r\n`;
    for (const operation of operations.filter((o) => o.method === 'POST')) {
      const answer = await rawRequest(port, {
        method: 'POST',
        path: operation.path,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      if (answer.status >= 500) serverErrors.push(describeAnswer(operation, 'nested multipart field names', answer));
    }
    expect(serverErrors).toEqual([]);
  });
});
