import { type Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { CHROMIUM, inChromium, startServer } from './support/console-browser.js';
import type { TestApp } from './support/test-app.js';

// A LAN or container host name, not localhost: browsers treat only localhost as secure, so this is
// where a CSP upgrade-insecure-requests turns Swagger UI's own assets into failing https:// loads.
const HOST = 'face-matrix.test';

describe('Swagger UI headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    ({ t } = await startServer());
  });
  afterAll(() => t.close());

  it('serves the docs page and its assets without upgrade-insecure-requests', async () => {
    const page = await request(t.http).get('/api/docs').redirects(1).expect(200);
    const assets = [...page.text.matchAll(/(?:src|href)="\.?\/?([\w./-]+\.(?:js|css))"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThan(1);
    for (const response of [page, ...(await Promise.all(assets.map((asset) => request(t.http).get(`/api/docs/${asset}`).expect(200))))]) {
      const csp: string = response.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    }
  });
});

inChromium('Swagger UI in Chromium over plain HTTP on a non-localhost host', () => {
  let t: TestApp;
  let port: string;
  let browser: Browser;

  beforeAll(async () => {
    let base: string;
    ({ t, base } = await startServer({ API_KEYS: 'docs-key-0123456789' }));
    port = new URL(base).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws every operation, and Try it out reaches this server', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (failure) => failed.push(`${failure.url()}: ${failure.failure()?.errorText}`));
    page.on('console', (message) => {
      // helmet's COOP header is ignored on a plain-HTTP origin, and Chromium says so; harmless here.
      if (message.type() === 'error' && !message.text().includes('Cross-Origin-Opener-Policy header has been ignored')) failed.push(message.text());
    });
    await page.goto(`http://${HOST}:${port}/api/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Face Matrix' }).waitFor({ timeout: 30_000 });
    for (const id of ['recognition-recogniseUser', 'users-addUser', 'users-listUsers', 'health-healthLive']) {
      await page.locator(`#operations-${id}`).waitFor();
    }

    // The open probe runs from the page, without a key, against the document's server ("/").
    const probe = page.locator('#operations-health-healthLive');
    await probe.locator('.opblock-summary').click();
    await probe.getByRole('button', { name: 'Try it out' }).click();
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/health/live')),
      probe.getByRole('button', { name: 'Execute' }).click(),
    ]);
    expect(answer.url()).toBe(`http://${HOST}:${port}/health/live`);
    expect(answer.status()).toBe(200);
    await probe.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).waitFor();
    expect(failed).toEqual([]);
  });
});
