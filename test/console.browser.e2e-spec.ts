import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { FacesRepository } from '../src/gallery/faces.repository.js';
import { UsersRepository } from '../src/users/users.repository.js';
import {
  expectBoxOver,
  expectStatus,
  groupWithWeakMatch,
  focusedId,
  inChromium,
  launchChromium,
  openPage,
  portraitFrom,
  property,
  startServer,
  tabTo,
  upload,
} from './support/console-browser.js';
import { blankImage, type Box, samplePortraits, transformedCopy } from './support/face-photos.js';
import { sampleFace, TestApp } from './support/test-app.js';

inChromium('console in Chromium, on an open server (no API_KEYS)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let alice: Buffer;
  let aliceAgain: Buffer;
  let bob: Buffer;

  beforeAll(async () => {
    ({ t, base } = await startServer({ ENROLLMENT_TTL_SECONDS: '120', RATE_LIMIT_PER_MINUTE: '0' }));
    browser = await launchChromium();
    alice = await portraitFrom(t, 2);
    aliceAgain = await transformedCopy(alice);
    bob = await portraitFrom(t, 3);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('recognises, enrolls, matches and deletes a person, all through the page', async () => {
    const { page, problems } = await openPage(browser, base);
    // An open server never asks for a key.
    await page.getByText('No users enrolled yet.').waitFor();
    expect(await page.getByLabel('API key', { exact: true }).isVisible()).toBe(false);

    const [firstResponse] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/recognise')),
      page.getByLabel('Photo file').setInputFiles(upload('alice.jpg', alice)),
    ]);
    await expectStatus(page, /^No match\. You can enroll this person/);
    expect(await page.locator('#result-outcome').textContent()).toBe('No match');

    // The face box sits over the face, scaled from the image's pixels to its displayed size.
    const [face] = (await firstResponse.json()).faces;
    await expectBoxOver(page, page.getByRole('button', { name: 'Face 1: unknown' }), face.box);

    const enroll = page.getByRole('region', { name: 'Enroll this person' });
    expect(await page.locator('#enroll-remaining').textContent()).toMatch(/^(1:5\d|2:00)$/);
    await enroll.getByLabel('Name', { exact: true }).fill('Alice Example');
    await enroll.getByLabel('Birthdate').fill('1985-04-12');
    await enroll.getByLabel('Email (optional)').fill('alice@example.com');
    await enroll.getByRole('button', { name: 'Enroll' }).click();
    await expectStatus(page, /^Enrolled Alice Example\.$/);
    await enroll.waitFor({ state: 'hidden' });

    const row = page.getByRole('row', { name: /Alice Example/ });
    await row.waitFor();
    const [email, created, faces] = await row.getByRole('cell').allTextContents();
    expect([email, faces]).toEqual(['alice@example.com', '1']);
    expect(created).toMatch(/\d{4}/);

    // Another copy of the same face: mirrored, smaller, re-encoded.
    await page.getByLabel('Photo file').setInputFiles(upload('alice-again.jpg', aliceAgain));
    const said = await expectStatus(page, /^Match found: Alice Example, similarity (0\.\d\d|1\.00)\.$/);
    expect(Number(said.match(/similarity (\d\.\d\d)/)![1])).toBeGreaterThan(0.5);
    expect(await page.locator('#result-outcome').textContent()).toBe('Match: Alice Example');
    expect(await enroll.isVisible()).toBe(false);

    // Cancelling the confirmation keeps the user; confirming erases them.
    const dialog = page.getByRole('dialog', { name: 'Delete user?' });
    await row.getByRole('button', { name: 'Delete Alice Example' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: 'Delete Alice Example' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expectStatus(page, /^Deleted Alice Example\.$/);
    await row.waitFor({ state: 'detached' });

    const listed = await request(t.http).get('/api/v1/users').expect(200);
    expect(listed.body.items.map((user: { name: string }) => user.name)).not.toContain('Alice Example');
    const again = await request(t.http).post('/api/v1/recognise_user').attach('image', aliceAgain, 'a.jpg').expect(200);
    expect(again.body.message).toBe('no_match');
    expect(problems).toEqual([]);
  });

  it('draws every face of a group photo: names with similarity, unknown with Enroll, "Not <name>? Enroll", candidates on click', async () => {
    // Four people from the npm samples: Dana enrolled; Erin enrolled, then blurred in the group until she is only a weak match.
    const detect = async (photo: Buffer) =>
      (await request(t.http).post('/api/v1/detect').attach('image', photo, 'p.jpg').expect(200)).body.faces.map((f: { box: Box }) => f.box);
    const [dana, erin, stranger] = await samplePortraits(3, detect);
    try {
      await request(t.http)
        .post('/api/v1/add_user')
        .field('name', 'Dana Example')
        .field('birthdate', '1980-01-01')
        .attach('image', dana, 'd.jpg')
        .expect(201);
      await request(t.http)
        .post('/api/v1/add_user')
        .field('name', 'Erin Example')
        .field('birthdate', '1981-01-01')
        .attach('image', erin, 'e.jpg')
        .expect(201);
      const group = await groupWithWeakMatch(t, [dana, erin, stranger], 1);
      const { page, problems } = await openPage(browser, base);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/recognise')),
        page.getByLabel('Photo file').setInputFiles(upload('group.jpg', group)),
      ]);
      const answer = (await response.json()) as {
        faces: Array<{ box: Box; status: string; similarity?: number; user_info: { name: string } | null }>;
      };
      const said = await expectStatus(page, /^3 faces: /);
      for (const part of [
        /Dana Example \([01]\.\d\d\)/,
        /Erin Example \(0\.[45]\d\)/,
        /unknown/,
        /Enroll an unknown face with the Enroll button under it\.$/,
      ])
        expect(said).toMatch(part);
      expect(await page.locator('#result-outcome').textContent()).toBe('2 recognised, 1 unknown');
      const numberOf = (name: string | null) => answer.faces.findIndex((face) => (face.user_info?.name ?? null) === name) + 1;
      const [danaFace, erinFace, strangerFace] = [numberOf('Dana Example'), numberOf('Erin Example'), numberOf(null)];
      const danaScore = answer.faces[danaFace - 1].similarity!.toFixed(2);

      // Every face boxed where the API found it, with its name and similarity, or "unknown".
      for (const [number, face] of answer.faces.entries()) await expectBoxOver(page, page.locator('.face').nth(number), face.box);
      const danaBox = page.getByRole('button', { name: `Face ${danaFace}: Dana Example, similarity ${danaScore}` });
      expect(await danaBox.textContent()).toBe(`Dana Example ${danaScore}`);
      expect(await page.getByRole('button', { name: `Face ${strangerFace}: unknown` }).textContent()).toBe('unknown');
      expect(await page.getByRole('button', { name: /^Enroll face/ }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Not Erin Example? Enroll' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Not Dana Example? Enroll' }).count()).toBe(0);

      // A box lists that face's candidates; clicked again, the list goes.
      const candidates = page.getByRole('region', { name: `Candidates for face ${danaFace}` });
      await danaBox.click();
      await candidates.waitFor();
      expect(await danaBox.getAttribute('aria-expanded')).toBe('true');
      const listed = await candidates.getByRole('listitem').allTextContents();
      expect(listed[0]).toBe(`Dana Example, similarity ${danaScore}`);
      expect(listed).toEqual(expect.arrayContaining([expect.stringMatching(/^Erin Example, similarity 0\.\d\d$/)]));
      await danaBox.click();
      await candidates.waitFor({ state: 'hidden' });

      // The unknown face enrolls with its own key, and is named on the photo at once.
      await page.getByRole('button', { name: `Enroll face ${strangerFace}` }).click();
      const enroll = page.getByRole('region', { name: 'Enroll this person' });
      await enroll.getByText(`Face ${strangerFace}: unknown.`).waitFor();
      expect(await focusedId(page)).toBe('enroll-name');
      await page.keyboard.type('Fay Example');
      await enroll.getByLabel('Birthdate').fill('1992-06-07');
      await enroll.getByRole('button', { name: 'Enroll' }).click();
      await expectStatus(page, /^Enrolled Fay Example\.$/);
      expect(await page.getByRole('button', { name: `Face ${strangerFace}: Fay Example, just enrolled` }).textContent()).toBe(
        'Fay Example (enrolled)',
      );
      expect(await page.getByRole('button', { name: /^Enroll face/ }).count()).toBe(0);

      // "Not Erin?": the weakly matched face enrolls as somebody new.
      await page.getByRole('button', { name: 'Not Erin Example? Enroll' }).click();
      await enroll.getByText(`Face ${erinFace}, recognised as Erin Example: enroll this person as someone new.`).waitFor();
      await enroll.getByLabel('Name', { exact: true }).fill('Erin Lookalike');
      await enroll.getByLabel('Birthdate').fill('1993-01-02');
      await enroll.getByRole('button', { name: 'Enroll' }).click();
      await expectStatus(page, /^Enrolled Erin Lookalike\.$/);
      expect(await page.getByRole('button', { name: 'Not Erin Example? Enroll' }).count()).toBe(0);

      // The server agrees: the same photo now names all three where they stand.
      const again = (await request(t.http).post('/api/v1/recognise').attach('image', group, 'g.jpg').expect(200)).body.faces as typeof answer.faces;
      const nameAt = (number: number) => again.find((face) => Math.abs(face.box.x - answer.faces[number - 1].box.x) < 5)?.user_info?.name;
      expect([nameAt(danaFace), nameAt(erinFace), nameAt(strangerFace)]).toEqual(['Dana Example', 'Erin Lookalike', 'Fay Example']);
      expect(problems).toEqual([]);
    } finally {
      for (const user of (await request(t.http).get('/api/v1/users?limit=200').expect(200)).body.items) {
        if (['Dana Example', 'Erin Example', 'Erin Lookalike', 'Fay Example'].includes(user.name))
          await request(t.http).delete(`/api/v1/users/${user.id}`).expect(204);
      }
    }
  });

  it('labels every control, works by keyboard and reads errors out in the live region', async () => {
    const { page, problems } = await openPage(browser, base);

    // No face: the 422 envelope's message and error_code, read out.
    await page.getByLabel('Photo file').setInputFiles(upload('blank.png', await blankImage(), 'image/png'));
    await expectStatus(page, /^Recognition failed: Face not detected in the image \(error 601\)$/);
    expect(await page.getByRole('status').getAttribute('aria-live')).toBe('polite');

    await page.getByLabel('Photo file').setInputFiles(upload('bob.jpg', bob));
    await expectStatus(page, /^No match/);

    // Every control the browser exposes has a name (from its <label>, aria-label or own text).
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const controls = nodes.filter(
      (node) => !node.ignored && ['button', 'textbox', 'spinbutton', 'combobox', 'Date'].includes(String(node.role?.value)),
    );
    expect(controls.length).toBeGreaterThanOrEqual(10);
    expect(controls.filter((node) => !(typeof node.name?.value === 'string' && node.name.value.trim())).map((node) => node.role?.value)).toEqual([]);
    for (const label of ['Photo file', 'API key', 'Name', 'Birthdate', 'Email (optional)']) {
      expect(await page.getByLabel(label, { exact: true }).count()).toBe(1);
    }

    // Enroll by keyboard; a server-side validation error (400) lists the field's message.
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('Bob Keyboard');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('enroll-birthdate');
    await page.keyboard.type('03141979');
    // Chromium's date input moves through its month, day and year fields on Tab before leaving.
    await tabTo(page, 'enroll-email');
    // Valid for the browser's <input type=email>, refused by the server (no top-level domain).
    await page.keyboard.type('bob@localhost');
    await page.keyboard.press('Enter');
    await expectStatus(page, /^Enrollment failed: .+ \(error \d+\)email: email must be a valid address$/);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('bob@example.com');
    await page.keyboard.press('Enter');
    await expectStatus(page, /^Enrolled Bob Keyboard\.$/);
    const bobUser = (await request(t.http).get('/api/v1/users').expect(200)).body.items.find((u: { name: string }) => u.name === 'Bob Keyboard');
    expect(bobUser).toMatchObject({ birthdate: '1979-03-14', email: 'bob@example.com' });

    // Delete by keyboard: the dialog opens on Cancel, Escape backs out, Tab + Enter confirms.
    const focusedLabel = () => page.evaluate<string>("document.activeElement.getAttribute('aria-label') || document.activeElement.textContent");
    await page.getByRole('button', { name: 'Delete Bob Keyboard' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete user?' });
    await dialog.waitFor();
    expect(await focusedLabel()).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedLabel()).toBe('Delete Bob Keyboard');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // The first opening's close event may arrive only now (Chromium queues it): it must not count as this answer.
    await page.evaluate("document.getElementById('delete-dialog').dispatchEvent(new Event('close'))");
    await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe('Delete');
    await page.keyboard.press('Enter');
    await expectStatus(page, /^Deleted Bob Keyboard\.$/);
    expect(await focusedId(page)).toBe('users-heading');
    await request(t.http).get(`/api/v1/users/${bobUser.id}`).expect(404);
    expect(problems).toEqual([]);
  });

  it('pages through the users with Next and Previous', async () => {
    const users = t.app.get(UsersRepository);
    const faces = t.app.get(FacesRepository);
    for (let i = 1; i <= 12; i++) {
      const user = await users.create({ name: `Paged ${String(i).padStart(2, '0')}`, birthdate: new Date('1990-02-03'), email: null });
      await faces.insert(user.id, sampleFace(500 + i));
    }
    const total = (await request(t.http).get('/api/v1/users?limit=200').expect(200)).body.items.length;
    const { page, problems } = await openPage(browser, base);
    const rows = page.locator('#users-body tr');
    const names = () => page.locator('#users-body th').allTextContents();
    await page.getByText('Page 1').waitFor();
    await rows.nth(9).waitFor();
    const first = await names();
    expect(first).toHaveLength(10);
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    const second = await names();
    expect(second).toHaveLength(total - 10);
    expect(second.filter((name) => first.includes(name))).toEqual([]);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor();
    expect(await names()).toEqual(first);
    expect(problems).toEqual([]);
  });

  it("captures a webcam frame (Chromium's fake camera) and reads out the 422 for a picture with no face", async () => {
    const { page, problems } = await openPage(browser, base);
    // Intercepted only to read the body the page sends; the request goes on to the server unchanged.
    let sent: Buffer | null = null;
    await page.route('**/api/v1/recognise', (route) => {
      sent = route.request().postDataBuffer();
      return route.continue();
    });
    await page.getByRole('button', { name: 'Start camera' }).click();
    // Said once the video plays, so its size is known.
    await expectStatus(page, /^Camera on\./);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/recognise')),
      page.getByRole('button', { name: 'Capture photo' }).click(),
    ]);
    expect(response.status()).toBe(422);
    // The request carried a JPEG drawn from the video.
    expect(sent).not.toBeNull();
    expect(sent!.includes('Content-Type: image/jpeg')).toBe(true);
    expect(sent!.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    await expectStatus(page, /^Recognition failed: Face not detected in the image \(error 601\)$/);
    const videoWidth = await property(page, '#camera-video', 'videoWidth');
    expect(await property(page, '#result-image', 'naturalWidth')).toBe(videoWidth);
    expect(videoWidth).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Stop camera' }).click();
    expect(await page.getByLabel('Camera preview').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Start camera' }).isEnabled()).toBe(true);
    expect(problems).toEqual([]);
  });
});

inChromium('console in Chromium, with API_KEYS and 3-second enrollment keys', () => {
  const KEY = 'console-key-0123456789';
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ t, base } = await startServer({ API_KEYS: KEY, ENROLLMENT_TTL_SECONDS: '3' }));
    browser = await launchChromium();
    ({ page, problems } = await openPage(browser, base));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const stored = () =>
    page.evaluate("({ session: sessionStorage.getItem('face-matrix.api-key'), localItems: localStorage.length, cookies: document.cookie })");

  it('asks for the key, shows the 401 for a wrong one, and keeps a right one in sessionStorage only', async () => {
    const keySection = page.getByRole('region', { name: 'API key required' });
    await keySection.getByText(/^This server needs an API key: .+ \(error 410\)\.$/).waitFor();
    expect(await focusedId(page)).toBe('api-key-input');

    await page.getByLabel('API key', { exact: true }).fill('not-the-key');
    await page.keyboard.press('Enter');
    await keySection.getByText(/^The API key was refused: .+ \(error 410\)\. Enter a valid key\.$/).waitFor();
    expect(await stored()).toEqual({ session: null, localItems: 0, cookies: '' });

    await page.getByLabel('API key', { exact: true }).fill(KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await keySection.waitFor({ state: 'hidden' });
    await expectStatus(page, /^API key accepted/);
    await page.getByText('No users enrolled yet.').waitFor();
    expect(await stored()).toEqual({ session: KEY, localItems: 0, cookies: '' });

    // The key lasts as long as the tab: a reload does not ask again.
    await page.reload();
    await page.getByText('No users enrolled yet.').waitFor();
    expect(await keySection.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Forget API key' }).isVisible()).toBe(true);
  });

  it('counts the enrollment key down, then disables the form and offers to recognise again', async () => {
    const carol = await portraitFrom(t, 6, KEY);
    await page.getByLabel('Photo file').setInputFiles(upload('carol.jpg', carol));
    await expectStatus(page, /^No match/);
    expect(await page.locator('#enroll-remaining').textContent()).toMatch(/^0:0[1-4]$/);
    const submit = page.getByRole('button', { name: 'Enroll', exact: true });
    expect(await submit.isEnabled()).toBe(true);

    const enroll = page.getByRole('region', { name: 'Enroll this person' });
    await enroll.getByText('The enrollment key expired. Recognise the photo again to enroll this person.').waitFor({ timeout: 10_000 });
    expect(await submit.isDisabled()).toBe(true);
    await expectStatus(page, /^The enrollment key expired/);

    await page.getByRole('button', { name: 'Recognise again' }).click();
    await expectStatus(page, /^No match/);
    expect(await submit.isEnabled()).toBe(true);
    expect(await page.locator('#enroll-remaining').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });
});

interface AxNode {
  ignored: boolean;
  role?: { value: unknown };
  name?: { value: unknown };
}
