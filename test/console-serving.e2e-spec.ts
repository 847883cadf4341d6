import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app.js';

// The console's files and headers, without a browser: runs wherever the app runs.
describe('console: the page and its assets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves / as HTML with a CSP that allows only its own scripts, blob: images and media, and this origin', async () => {
    const page = await request(t.http).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp: string = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(csp).toContain("media-src 'self' blob:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/(src|href)="https?:/);
  });

  it('serves every script and stylesheet the page uses, with the right content type', async () => {
    const page = await request(t.http).get('/').expect(200);
    const entry = [...page.text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    expect(entry).toEqual(['/console/js/main.js']);
    const main = await request(t.http).get('/console/js/main.js').expect(200);
    expect(main.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    // The modules main.js imports, one level deep, are served too.
    for (const [, module] of main.text.matchAll(/from '\.\/([\w-]+\.js)'/g)) {
      const response = await request(t.http).get(`/console/js/${module}`).expect(200);
      expect(response.headers['content-type']).toMatch(/javascript/);
    }
    const css = await request(t.http).get('/console/console.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const metrics = await request(t.http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/face_matrix_http_requests_total\{method="GET",route="\/console\/\*",status="200"\} [1-9]/);
  });

  it('shadows none of the API, health, metrics or docs routes, whose CSP stays deny-all', async () => {
    const users = await request(t.http).get('/api/v1/users').expect(200);
    expect(users.headers['content-security-policy']).toContain("default-src 'none'");
    await request(t.http).get('/health/live').expect(200);
    await request(t.http).get('/metrics').expect(200);
    await request(t.http).get('/api/docs-json').expect(200);
    const missing = await request(t.http).get('/console/no-such-file.js').expect(404);
    expect(missing.body).toMatchObject({ status: 'error', error_code: expect.any(Number) });
  });
});
