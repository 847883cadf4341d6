import { documentedOperations, Operation, pathVariants } from './support/route-variants.js';
import { listenOnLoopback, loopbackClient, RawAnswer, rawRequest } from './support/raw-http.js';
import { startTestApp, TestApp } from './support/test-app.js';

/**
 * The key check and the rate limit are decided by the handler the router picked, never by a
 * reading of the path: every documented operation, in every spelling of its path, either reaches
 * no handler (404, error_code 443) or has passed both. Raw HTTP, so no client tidies the path.
 */

const KEY = 'route-key-0123456789';
/** If a handler ran without a key, these would fail the test with a 4xx of its own (441, 442, 400, 415). */
const JSON_BODY = JSON.stringify({ name: 'Mallory', birthdate: '1990-01-01', req_id: 'not-a-key', user_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' });

function send(port: number, operation: Operation, path: string, headers: Record<string, string> = {}, localAddress?: string): Promise<RawAnswer> {
  const body = operation.method === 'POST' ? JSON_BODY : undefined;
  const contentType: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  return rawRequest(port, { method: operation.method, path, headers: { ...contentType, ...headers }, body, localAddress });
}

/** "401 by the key check" or "404 from no route": the only answers a keyless request may get. */
const outcome = (answer: RawAnswer) => `${answer.status}/${answer.json?.error_code}`;
const REFUSED = ['401/410', '404/443'];

describe('API keys, whatever the spelling of the path', () => {
  let t: TestApp;
  let port: number;
  let operations: Operation[];
  beforeAll(async () => {
    // Bodies are empty, so nothing reaches the models: sessions in the main thread start fastest.
    t = await startTestApp({ API_KEYS: KEY, RATE_LIMIT_PER_MINUTE: '0', ORT_WORKER_THREADS: '0', PIXEL_WORKER_THREADS: '0' });
    port = await listenOnLoopback(t);
    operations = (await documentedOperations(t)).filter((operation) => operation.template.startsWith('/api/v1'));
  });
  afterAll(() => t.close());

  it('enumerates the API from the OpenAPI document', () => {
    expect(operations.map((operation) => `${operation.method} ${operation.template}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/recognise_user', 'POST /api/v1/add_user', 'GET /api/v1/users', 'DELETE /api/v1/users/{id}']),
    );
  });

  it('answers every operation in every spelling without a key with 401 or a plain 404', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const operation of operations) {
      for (const variant of pathVariants(operation.path)) {
        const answer = await send(port, operation, variant.path);
        checked++;
        if (!REFUSED.includes(outcome(answer))) wrong.push(`${operation.method} ${variant.path} (${variant.label}): ${outcome(answer)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(operations.length * 30);
  });

  it('lets the key through on the canonical spelling, so the refusals above are the guard and not a dead route', async () => {
    for (const operation of operations) {
      const answer = await send(port, operation, operation.path, { 'x-api-key': KEY });
      expect(REFUSED).not.toContain(outcome(answer));
    }
  });

  it('routes only the exact spelling: other letter case or a trailing slash reaches no handler, even with a key', async () => {
    for (const path of ['/API/V1/users', '/Api/v1/users', '/api/V1/users', '/api/v1/Users', '/api/v1/users/']) {
      const answer = await rawRequest(port, { method: 'GET', path, headers: { 'x-api-key': KEY } });
      expect(`${path}: ${outcome(answer)}`).toBe(`${path}: 404/443`);
    }
  });

  it('refuses a key in the query string (401)', async () => {
    for (const operation of operations) {
      for (const name of ['x-api-key', 'api_key', 'apiKey', 'key']) {
        const answer = await send(port, operation, `${operation.path}?${name}=${KEY}`);
        expect(`${operation.method} ${operation.path}?${name}=: ${outcome(answer)}`).toBe(`${operation.method} ${operation.path}?${name}=: 401/410`);
      }
    }
  });
});

describe('rate limit, whatever the spelling of the path', () => {
  const LIMIT = 6;
  let t: TestApp;
  let port: number;
  let operations: Operation[];
  let clients = 0;
  beforeAll(async () => {
    // No keys: requests that reach a handler do its work, so a bypass would show as a 2xx or a handler's 4xx.
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT), ORT_WORKER_THREADS: '0', PIXEL_WORKER_THREADS: '0' });
    port = await listenOnLoopback(t);
    operations = (await documentedOperations(t)).filter((operation) => operation.template.startsWith('/api/v1'));
  });
  afterAll(() => t.close());

  /** Each case gets its own client address, hence its own allowance. */
  const newClient = () => loopbackClient(clients++);

  it('refuses the 7th request over a limit of 6 when it reaches a handler, by any spelling after the canonical six', async () => {
    const wrong: string[] = [];
    for (const operation of operations) {
      for (const variant of pathVariants(operation.path)) {
        const client = newClient();
        for (let i = 0; i < LIMIT; i++) {
          const answer = await send(port, operation, operation.path, {}, client);
          if (answer.status === 429) wrong.push(`${operation.method} ${operation.path}: 429 before the limit`);
        }
        const seventh = await send(port, operation, variant.path, {}, client);
        if (!['429/429', '404/443'].includes(outcome(seventh)))
          wrong.push(`${operation.method} ${variant.path} (${variant.label}): 7th was ${outcome(seventh)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses the 7th request in one spelling unless no request in that spelling reaches a handler', async () => {
    const wrong: string[] = [];
    let limited = 0;
    for (const operation of operations) {
      for (const variant of pathVariants(operation.path)) {
        const client = newClient();
        const answers: RawAnswer[] = [];
        for (let i = 0; i <= LIMIT; i++) answers.push(await send(port, operation, variant.path, {}, client));
        const outcomes = answers.map(outcome);
        const reachedNoHandler = outcomes.every((o) => o === '404/443');
        const limitedAtSeventh = outcomes.slice(0, LIMIT).every((o) => !o.startsWith('429')) && outcomes[LIMIT] === '429/429';
        if (limitedAtSeventh) limited++;
        else if (!reachedNoHandler) wrong.push(`${operation.method} ${variant.path} (${variant.label}): ${outcomes.join(' ')}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(limited).toBeGreaterThanOrEqual(operations.length); // at least every canonical spelling
  });
});
