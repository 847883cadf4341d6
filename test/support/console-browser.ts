import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import request from 'supertest';
import sharp from 'sharp';
import { type Box, cropPortrait, faceGrid, npmSamplePhoto } from './face-photos.js';
import { startTestApp, TestApp } from './test-app.js';

// Helpers for driving the console in Debian's Chromium through playwright-core.

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`Skipping the console's browser tests: ${CHROMIUM} is not installed (apt-get install chromium).`);
}
export const inChromium = hasChromium ? describe : describe.skip;

/** The real app on a real port, since a browser cannot use supertest's in-process server. */
export async function startServer(env: Record<string, string> = {}): Promise<{ t: TestApp; base: string }> {
  const t = await startTestApp(env);
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { t, base: `http://127.0.0.1:${port}` };
}

/** A one-person portrait of the largest face in an npm sample photo, found through /detect. */
export async function portraitFrom(t: TestApp, sample: number, apiKey = ''): Promise<Buffer> {
  const photo = npmSamplePhoto(sample);
  const response = await request(t.http).post('/api/v1/detect').set('x-api-key', apiKey).attach('image', photo, 'group.jpg').expect(200);
  return cropPortrait(photo, response.body.faces[0].box);
}

export const upload = (name: string, buffer: Buffer, mimeType = 'image/jpeg') => ({ name, mimeType, buffer });

/** The id of the focused element (a string expression: tsconfig has no DOM types for `document`). */
export const focusedId = (page: Page) => page.evaluate<string>('document.activeElement.id');

/** Presses Tab until the element with this id has focus, as a keyboard user would. */
export async function tabTo(page: Page, id: string): Promise<void> {
  for (let presses = 0; presses < 5 && (await focusedId(page)) !== id; presses++) await page.keyboard.press('Tab');
  expect(await focusedId(page)).toBe(id);
}

/** A property of an element in the page, such as an image's naturalWidth. */
export const property = (page: Page, selector: string, name: string) =>
  page.locator(selector).evaluate((element, key) => (element as unknown as Record<string, unknown>)[key], name);

/** Waits for the live region to say something matching; on timeout, says what it said instead. */
export async function expectStatus(page: Page, pattern: RegExp): Promise<string> {
  const region = page.getByRole('status');
  try {
    await region.filter({ hasText: pattern }).waitFor({ timeout: 30_000 });
  } catch {
    throw new Error(`the live region never matched ${pattern}; it says: ${await region.textContent()}`);
  }
  return (await region.textContent()) ?? '';
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The fake camera (a moving test pattern, no face) stands in for a webcam, permission granted.
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
}

/** A page that records script errors and CSP refusals, which must stay empty. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // 4xx answers are logged by Chromium as failed loads; they are expected here, CSP refusals are not.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  // Ready once the first users list (which also tells whether a key is needed) has been answered.
  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/v1/users')), page.goto(url)]);
  return { page, problems };
}

/** The element is drawn over `box` (image pixels), scaled to the image as displayed, within 2 px. */
export async function expectBoxOver(page: Page, element: Locator, box: Box): Promise<void> {
  const shown = (await page.getByRole('img', { name: 'The photo sent for recognition' }).boundingBox())!;
  const drawn = (await element.boundingBox())!;
  const scale = shown.width / Number(await property(page, '#result-image', 'naturalWidth'));
  const offsets = [
    drawn.x - shown.x - box.x * scale,
    drawn.y - shown.y - box.y * scale,
    drawn.width - box.width * scale,
    drawn.height - box.height * scale,
  ];
  expect(offsets.map((offset) => Math.abs(offset) < 2)).toEqual([true, true, true, true]);
}

/**
 * The portraits side by side, the one at `blurred` blurred just enough that the server calls it a
 * match below DUPLICATE_FACE_THRESHOLD ("not me": a match that carries a key), found by asking it.
 */
export async function groupWithWeakMatch(t: TestApp, portraits: Buffer[], blurred: number): Promise<Buffer> {
  for (let sigma = 2; sigma <= 8; sigma += 0.25) {
    const faces = await Promise.all(portraits.map(async (portrait, i) => (i === blurred ? sharp(portrait).blur(sigma).toBuffer() : portrait)));
    const group = await faceGrid(faces, { columns: portraits.length, width: 400 * portraits.length, height: 480, side: 360 });
    const answer = (await request(t.http).post('/api/v1/recognise').attach('image', group, 'g.jpg').expect(200)).body;
    const slot = (face: { box: Box }) => Math.floor((face.box.x + face.box.width / 2) / 400);
    const weak = answer.faces.find((face: { box: Box }) => slot(face) === blurred);
    if (answer.faces.length === portraits.length && weak?.status === 'match' && weak.req_id) return group;
  }
  throw new Error('No blur made the face a weak ("not me") match');
}
