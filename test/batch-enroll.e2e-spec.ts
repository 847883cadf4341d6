import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { projectRoot } from '../src/common/paths.js';
import { runBatchEnrollment, type BatchEnrollmentOptions } from '../tools/enroll/batch-enrollment.js';
import { KeyRefusedError, ServiceUnreachableError } from '../tools/enroll/enrollment-client.js';
import type { EnrollmentStateFile } from '../tools/enroll/enrollment-state.js';
import { groupByKind, type BatchEnrollmentSummary } from '../tools/enroll/summary.js';
import { freePort } from './support/compiled-app.js';
import { cropPortrait, npmSamplePhoto, transformedCopy } from './support/face-photos.js';
import { startTestApp, TestApp } from './support/test-app.js';

const apiKey = 'batch-enroll-key';

/** A smooth colour ramp: a real JPEG with nothing face-like in it. */
async function gradientJpeg(): Promise<Buffer> {
  const width = 320;
  const height = 240;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      pixels.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 128], (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg()
    .toBuffer();
}

/** Writes `{ "Person/photo.jpg": bytes }` under a new temp folder. */
async function photoFolder(files: Record<string, Buffer | string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'enroll-photos-'));
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }
  return root;
}

const failureNames = (summary: BatchEnrollmentSummary) =>
  Object.fromEntries(
    [...groupByKind(summary.failures)].map(([kind, entries]) => [kind, entries.map((entry) => `${entry.person}/${entry.photo}`).sort()]),
  );

describe('batch enrollment (npm run enroll) against the real service', () => {
  let t: TestApp;
  let url: string;
  let work: string;
  let alice: Buffer;
  let bob: Buffer;
  let carol: Buffer;
  let gradient: Buffer;

  const api = {
    get: (route: string) => request(t.http).get(route).set('x-api-key', apiKey),
    delete: (route: string) => request(t.http).delete(route).set('x-api-key', apiKey),
  };
  const facesOf = async (userId: string) => (await api.get(`/api/v1/users/${userId}`).expect(200)).body.faces as number;
  const allUsers = async () => (await api.get('/api/v1/users?limit=50').expect(200)).body.items as { id: string; name: string; birthdate: string }[];

  async function portraitFrom(sample: number): Promise<Buffer> {
    const photo = npmSamplePhoto(sample);
    const response = await request(t.http).post('/api/v1/detect').set('x-api-key', apiKey).attach('image', photo, 'group.jpg').expect(200);
    return cropPortrait(photo, response.body.faces[0].box);
  }

  beforeAll(async () => {
    t = await startTestApp({ API_KEYS: `other-key,${apiKey}` });
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    work = await mkdtemp(path.join(tmpdir(), 'enroll-e2e-'));
    [alice, bob, carol, gradient] = await Promise.all([portraitFrom(2), portraitFrom(3), portraitFrom(6), gradientJpeg()]);
  });
  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  describe('in process (runBatchEnrollment)', () => {
    let folder: string;
    let options: BatchEnrollmentOptions;
    let aliceId: string;
    let benId: string;
    const state = async () => JSON.parse(await readFile(options.statePath!, 'utf8')) as EnrollmentStateFile;

    beforeAll(async () => {
      folder = await photoFolder({
        'Alice_Example/Alice_Example_0001.jpg': alice,
        'Alice_Example/Alice_Example_0002.jpg': await transformedCopy(alice),
        'Alice_Example/notes.txt': 'not a photo',
        'Alice_Example/.DS_Store': 'hidden',
        'Ben_Example/Ben_Example_0001.jpg': gradient,
        'Ben_Example/Ben_Example_0002.jpg': bob,
        'Cleo_Nobody/Cleo_Nobody_0001.jpg': gradient,
        'Cleo_Nobody/Cleo_Nobody_0002.jpg': 'plain text named like a photo',
        // Sorted last, so with one person at a time Alice is enrolled before this copy of her face comes.
        'Zed_Lookalike/Zed_Lookalike_0001.jpg': await sharp(alice).resize({ width: 180 }).jpeg({ quality: 85 }).toBuffer(),
      });
      options = { folder, url, apiKey, concurrency: 1, statePath: path.join(work, 'state.json'), reportPath: path.join(work, 'report.json') };
    });

    it('enrolls each person from their first usable photo, adds the others, and records every failure by kind', async () => {
      const summary = await runBatchEnrollment(options);
      expect(summary.people).toEqual({
        total: 4,
        enrolled: 2,
        reenrolled: 0,
        adopted: 0,
        continued: 0,
        skipped: 0,
        withoutUsablePhoto: 2,
        unfinished: 0,
      });
      expect(summary.facesAdded).toBe(1);
      expect(summary.onRecord).toEqual({ peopleWithUser: 2, facesIn: 3 });
      expect(summary.photos).toEqual({ total: 7, sent: 7, ignoredFiles: 2 });
      expect(summary.interrupted).toBe(false);
      expect(failureNames(summary)).toEqual({
        no_face: ['Ben_Example/Ben_Example_0001.jpg', 'Cleo_Nobody/Cleo_Nobody_0001.jpg'],
        unsupported_image: ['Cleo_Nobody/Cleo_Nobody_0002.jpg'],
        duplicate_face: ['Zed_Lookalike/Zed_Lookalike_0001.jpg'],
      });

      const users = await allUsers();
      expect(users.map((user) => [user.name, user.birthdate]).sort()).toEqual([
        ['Alice Example', '1970-01-01'],
        ['Ben Example', '1970-01-01'],
      ]);
      aliceId = users.find((user) => user.name === 'Alice Example')!.id;
      benId = users.find((user) => user.name === 'Ben Example')!.id;
      expect(await facesOf(aliceId)).toBe(2);
      expect(await facesOf(benId)).toBe(1);
      expect(summary.failures.find((failure) => failure.kind === 'duplicate_face')).toMatchObject({
        status: 409,
        errorCode: 471,
        existingUserId: aliceId,
      });
      expect(summary.failures.find((failure) => failure.kind === 'no_face')).toMatchObject({ status: 422, errorCode: 601 });

      const saved = await state();
      expect(saved.people.Alice_Example).toEqual({
        userId: aliceId,
        enrolledWith: 'Alice_Example_0001.jpg',
        done: ['Alice_Example_0001.jpg', 'Alice_Example_0002.jpg'],
        failures: [],
      });
      expect(saved.people.Ben_Example).toMatchObject({
        userId: benId,
        enrolledWith: 'Ben_Example_0002.jpg',
        failures: [{ photo: 'Ben_Example_0001.jpg', kind: 'no_face' }],
      });
      expect(saved.people.Cleo_Nobody.userId).toBeUndefined();
      const report = JSON.parse(await readFile(options.reportPath!, 'utf8')) as BatchEnrollmentSummary;
      expect(report.failures).toHaveLength(4);
      expect(JSON.stringify(report)).not.toMatch(/embedding|base64/i);
    });

    it('skips everyone on a rerun and sends nothing', async () => {
      const summary = await runBatchEnrollment(options);
      expect(summary.people).toMatchObject({ total: 4, enrolled: 0, continued: 0, skipped: 4, unfinished: 0 });
      expect(summary.photos.sent).toBe(0);
      expect(summary.facesAdded).toBe(0);
      expect(summary.failures).toEqual([]);
      expect(summary.recordedFailures).toHaveLength(4);
      expect(await facesOf(aliceId)).toBe(2);
      expect(await facesOf(benId)).toBe(1);
      expect(await allUsers()).toHaveLength(2);
    });

    it('enrolls again only the person whose user was deleted through the API', async () => {
      await api.delete(`/api/v1/users/${benId}`).expect(204);
      const summary = await runBatchEnrollment(options);
      expect(summary.people).toMatchObject({ enrolled: 1, reenrolled: 1, skipped: 3, continued: 0 });
      expect(failureNames(summary)).toEqual({ no_face: ['Ben_Example/Ben_Example_0001.jpg'] });
      const users = await allUsers();
      expect(users).toHaveLength(2);
      const newBenId = users.find((user) => user.name === 'Ben Example')!.id;
      expect(newBenId).not.toBe(benId);
      expect((await state()).people.Ben_Example.userId).toBe(newBenId);
      expect(await facesOf(newBenId)).toBe(1);
      expect(await facesOf(aliceId)).toBe(2);
      benId = newBenId;
    });

    it('continues a person with new photos, adding only those', async () => {
      await writeFile(
        path.join(folder, 'Alice_Example/Alice_Example_0003.jpg'),
        await sharp(alice).rotate(8, { background: '#777' }).jpeg().toBuffer(),
      );
      const summary = await runBatchEnrollment(options);
      expect(summary.people).toMatchObject({ enrolled: 0, continued: 1, skipped: 3 });
      expect(summary.photos.sent).toBe(1);
      expect(summary.facesAdded).toBe(1);
      expect(summary.onRecord).toEqual({ peopleWithUser: 2, facesIn: 4 });
      expect(await facesOf(aliceId)).toBe(3);
    });

    it("carries on with a user a killed run created but never saved: a 409 naming this person's user", async () => {
      const saved = await state();
      delete saved.people.Ben_Example;
      await writeFile(options.statePath!, JSON.stringify(saved));
      const summary = await runBatchEnrollment(options);
      expect(summary.people).toMatchObject({ enrolled: 0, adopted: 1, skipped: 3 });
      expect((await state()).people.Ben_Example).toMatchObject({ userId: benId, done: ['Ben_Example_0001.jpg', 'Ben_Example_0002.jpg'] });
      expect(await allUsers()).toHaveLength(2);
      expect(await facesOf(benId)).toBe(1);
    });

    it('stops at once with a clear message when the key is refused, leaving the state alone', async () => {
      const before = await readFile(options.statePath!, 'utf8');
      await expect(runBatchEnrollment({ ...options, apiKey: 'wrong-key' })).rejects.toThrow(KeyRefusedError);
      await expect(runBatchEnrollment({ ...options, apiKey: undefined })).rejects.toThrow(/refused the API key \(401\).*--api-key/);
      expect(await readFile(options.statePath!, 'utf8')).toBe(before);
    });

    it('fails when nothing answers at the URL', async () => {
      const fast = { busyAttempts: 2, networkAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 20 };
      await expect(runBatchEnrollment({ ...options, url: `http://127.0.0.1:${await freePort()}`, retryPolicy: fast })).rejects.toThrow(
        ServiceUnreachableError,
      );
    });
  });

  describe('the CLI (npx tsx tools/enroll/enroll.ts)', () => {
    function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn('npx', ['tsx', 'tools/enroll/enroll.ts', ...args], {
          cwd: projectRoot(),
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it('prints plain progress and the summary when piped, and exits 0 despite per-photo failures', async () => {
      const folder = await photoFolder({ 'Carol_Example/Carol_Example_0001.jpg': carol, 'Nobody_Here/Nobody_Here_0001.jpg': gradient });
      const statePath = path.join(work, 'cli-state.json');
      const { code, stdout, stderr } = await runCli([folder, '--url', url, '--concurrency', '2', '--state', statePath], {
        FACE_MATRIX_API_KEY: apiKey,
      });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).not.toContain('\u001b'); // no ANSI escapes in a pipe
      expect(stdout).toMatch(/^\[enroll\] 2\/2 people \(100\.0%\), photos 2\/2, failures 1, /m);
      expect(stdout).toMatch(/people enrolled: +1\n/);
      expect(stdout).toMatch(/no usable photo: +1\n/);
      expect(stdout).toMatch(/no_face - .*: 1, e\.g\. Nobody_Here\/Nobody_Here_0001\.jpg/);
      expect((await allUsers()).map((user) => user.name)).toContain('Carol Example');
      await rm(folder, { recursive: true, force: true });
    }, 90_000);

    it('exits 1 with the 401 message for a wrong key, and 2 for a bad option', async () => {
      const refused = await runCli([work, '--url', url, '--api-key', 'nope', '--state', path.join(work, 'unused.json')]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/refused the API key \(401\)/);
      const bad = await runCli([work, '--birthdate', '1999-02-30']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--birthdate must be a real past date/);
    }, 90_000);
  });
});
