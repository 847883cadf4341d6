import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app.js';

const KEYS = 'key-one-0123456789,key-two-abcdefghij';
/** No request here reaches the models: sessions in the main thread start fastest (8 apps). */
const start = (env: Record<string, string> = {}) => startTestApp({ ORT_WORKER_THREADS: '0', PIXEL_WORKER_THREADS: '0', ...env });

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start({ API_KEYS: KEYS });
  });
  afterAll(() => t.close());

  it('refuses /api/v1 without a key, with the 401 envelope', async () => {
    const response = await request(t.http).get('/api/v1/users').expect(401);
    expect(response.body).toEqual({ status: 'error', error_code: 410, message: expect.any(String), requestId: response.headers['x-request-id'] });
  });

  it('refuses a wrong key, a prefix of a key, an extension of one and an empty one', async () => {
    for (const key of ['nope', 'key-one-012345678', 'key-one-0123456789x', '', 'KEY-ONE-0123456789']) {
      await request(t.http).get('/api/v1/users').set('x-api-key', key).expect(401);
    }
  });

  it('guards POST routes before any upload is processed', async () => {
    await request(t.http).post('/api/v1/recognise_user').attach('image', Buffer.from('x'), 'a.jpg').expect(401);
    await request(t.http).post('/api/v1/add_user').send({ name: 'A', birthdate: '1990-01-01', req_id: 'x' }).expect(401);
  });

  it('accepts each configured key', async () => {
    for (const key of KEYS.split(',')) await request(t.http).get('/api/v1/users').set('x-api-key', key).expect(200);
  });

  it('leaves health, metrics and docs open', async () => {
    await request(t.http).get('/health/live').expect(200);
    await request(t.http).get('/health/ready').expect(200);
    await request(t.http).get('/metrics').expect(200);
    await request(t.http).get('/api/docs-json').expect(200);
    await request(t.http).get('/api/docs').redirects(1).expect(200);
  });
});

describe('rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start({ API_KEYS: KEYS, RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => t.close());

  it('answers 429 with the envelope and Retry-After once a key has used its minute', async () => {
    const [keyOne, keyTwo] = KEYS.split(',');
    for (let i = 0; i < 5; i++) await request(t.http).get('/api/v1/users').set('x-api-key', keyOne).expect(200);
    const limited = await request(t.http).get('/api/v1/users').set('x-api-key', keyOne).expect(429);
    expect(limited.body).toMatchObject({ status: 'error', error_code: 429, requestId: expect.any(String) });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Counted per key: the other key (same client IP) still has its whole minute.
    await request(t.http).get('/api/v1/users').set('x-api-key', keyTwo).expect(200);
  });

  it('counts requests with bad keys per IP, so keys cannot be guessed at full speed', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await request(t.http).get('/api/v1/users').set('x-api-key', `guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('never throttles health, metrics or docs', async () => {
    for (let i = 0; i < 12; i++) {
      await request(t.http).get('/health/live').expect(200);
      await request(t.http).get('/metrics').expect(200);
    }
    await request(t.http).get('/api/docs-json').expect(200);
  });
});

describe('rate limiting without keys', () => {
  it('counts per client IP, and RATE_LIMIT_PER_MINUTE=0 turns it off', async () => {
    const limited = await start({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(limited.http).get('/api/v1/users')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.close();
    }
    const open = await start({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      for (let i = 0; i < 20; i++) await request(open.http).get('/api/v1/users').expect(200);
    } finally {
      await open.close();
    }
  });
});

describe('rate limiting behind a proxy', () => {
  it('counts each forwarded client separately only when TRUST_PROXY declares the proxy', async () => {
    const fromClient = (t: TestApp, ip: string) => request(t.http).get('/api/v1/users').set('X-Forwarded-For', ip);
    const proxied = await start({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' });
    try {
      for (const ip of ['203.0.113.1', '203.0.113.2']) {
        await fromClient(proxied, ip).expect(200);
        await fromClient(proxied, ip).expect(200);
        await fromClient(proxied, ip).expect(429);
      }
    } finally {
      await proxied.close();
    }
    // Without it, a forged header cannot buy a fresh allowance.
    const direct = await start({ RATE_LIMIT_PER_MINUTE: '2' });
    try {
      await fromClient(direct, '203.0.113.1').expect(200);
      await fromClient(direct, '203.0.113.2').expect(200);
      await fromClient(direct, '203.0.113.3').expect(429);
    } finally {
      await direct.close();
    }
  });
});

describe('security headers and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t.close());

  it('sends helmet headers with a deny-all CSP on the API', async () => {
    const response = await request(t.http).get('/api/v1/users').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-frame-options']).toBeDefined();
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('relaxes the CSP on Swagger UI only, enough for its own scripts and styles', async () => {
    const page = await request(t.http).get('/api/docs/').expect(200);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(page.text).toContain('swagger-ui');
    // Every script the page loads comes from this server, which the CSP allows.
    for (const [, src] of page.text.matchAll(/<script[^>]+src="([^"]+)"/g)) {
      expect(src).not.toMatch(/^https?:/);
      await request(t.http).get(new URL(src, 'http://x/api/docs/').pathname).expect(200);
    }
  });

  it('sends no CORS headers by default', async () => {
    const response = await request(t.http).get('/api/v1/users').set('Origin', 'https://evil.example').expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(t.http)
      .options('/api/v1/users')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    const cors = await start({ CORS_ORIGINS: 'https://app.example, https://admin.example' });
    try {
      const allowed = await request(cors.http)
        .options('/api/v1/users')
        .set('Origin', 'https://admin.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'x-api-key');
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example');
      expect(allowed.headers['access-control-allow-headers']).toContain('x-api-key');
      const other = await request(cors.http).get('/api/v1/users').set('Origin', 'https://evil.example').expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });
});
