import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultStatePath, EnrollmentState, markDone, type PersonRecord, recordFailure, resumePlan } from './enrollment-state.js';

const photos = ['p_0001.jpg', 'p_0002.jpg', 'p_0003.jpg'];
const noFace = (photo: string) => ({ photo, kind: 'no_face' as const, status: 422, errorCode: 601, message: 'Face not detected in the image' });

describe('resumePlan', () => {
  it('enrolls a person never seen, from the first photo', () => {
    expect(resumePlan(undefined, photos)).toEqual({ kind: 'enroll', photos });
  });

  it('skips a person whose photos are all done, with or without a user', () => {
    expect(resumePlan({ userId: 'u1', done: photos, failures: [] }, photos, true)).toEqual({ kind: 'skip' });
    expect(resumePlan({ done: photos, failures: photos.map(noFace) }, photos)).toEqual({ kind: 'skip' });
  });

  it('continues a person with a user by adding the photos not done yet', () => {
    const record: PersonRecord = { userId: 'u1', enrolledWith: 'p_0001.jpg', done: ['p_0001.jpg'], failures: [] };
    expect(resumePlan(record, photos, true)).toEqual({ kind: 'continue', userId: 'u1', photos: ['p_0002.jpg', 'p_0003.jpg'] });
  });

  it('starts over, all photos, when the recorded user was deleted from the service', () => {
    const record: PersonRecord = { userId: 'gone', done: photos, failures: [] };
    expect(resumePlan(record, photos, false)).toEqual({ kind: 'enroll', photos });
  });

  it('keeps trying to enroll from the photos not refused for good', () => {
    // p_0002 failed on a 503 (not final, so not done): it is tried again.
    const record: PersonRecord = {
      done: ['p_0001.jpg'],
      failures: [noFace('p_0001.jpg'), { photo: 'p_0002.jpg', kind: 'service_error', message: 'x' }],
    };
    expect(resumePlan(record, photos)).toEqual({ kind: 'enroll', photos: ['p_0002.jpg', 'p_0003.jpg'] });
  });

  it('picks up photos added to the folder since the last run', () => {
    const record: PersonRecord = { userId: 'u1', done: ['p_0001.jpg'], failures: [] };
    expect(resumePlan(record, ['p_0001.jpg', 'p_0004.jpg'], true)).toEqual({ kind: 'continue', userId: 'u1', photos: ['p_0004.jpg'] });
  });
});

describe('recordFailure and markDone', () => {
  it('keeps one failure per photo and clears it when the photo later goes in', () => {
    const record: PersonRecord = { done: [], failures: [] };
    recordFailure(record, { photo: 'a.jpg', kind: 'unreachable', message: 'ECONNRESET' });
    recordFailure(record, { photo: 'a.jpg', kind: 'service_error', message: 'HTTP 503' });
    recordFailure(record, noFace('b.jpg'));
    expect(record.failures.map((f) => [f.photo, f.kind])).toEqual([
      ['a.jpg', 'service_error'],
      ['b.jpg', 'no_face'],
    ]);
    markDone(record, 'b.jpg', false);
    markDone(record, 'a.jpg', true);
    markDone(record, 'a.jpg', true);
    expect(record.done).toEqual(['b.jpg', 'a.jpg']);
    expect(record.failures.map((f) => f.photo)).toEqual(['b.jpg']);
  });
});

describe('EnrollmentState file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'enroll-state-'));
    file = path.join(dir, 'nested', 'state.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('defaults to .face-matrix-enroll/<sha1 of the absolute folder>.json under the working directory', () => {
    // sha1("/photos/lfw") computed independently: printf %s /photos/lfw | sha1sum
    expect(defaultStatePath('/photos/lfw', '/home/me')).toBe('/home/me/.face-matrix-enroll/7a79d7629fcf4668ccfc925a1578a89da66352d7.json');
    expect(defaultStatePath('/photos/lfw/', '/x')).toBe(defaultStatePath('/photos//lfw', '/x'));
    expect(defaultStatePath('/photos/a', '/x')).not.toBe(defaultStatePath('/photos/b', '/x'));
  });

  it('starts empty without a file, saves with no temp file left behind, and reads back what it saved', async () => {
    const state = await EnrollmentState.open(file, '/photos', 'http://svc');
    expect(state.person('Ann')).toBeUndefined();
    const record = state.startOver('Ann');
    Object.assign(record, { userId: 'u1', enrolledWith: 'a.jpg' });
    markDone(record, 'a.jpg', true);
    await state.save();
    expect(await readdir(path.dirname(file))).toEqual(['state.json']);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ version: 1, folder: '/photos', serviceUrl: 'http://svc', people: { Ann: { userId: 'u1', done: ['a.jpg'] } } });

    const reopened = await EnrollmentState.open(file, '/photos', 'http://svc');
    expect(reopened.person('Ann')).toEqual({ userId: 'u1', enrolledWith: 'a.jpg', done: ['a.jpg'], failures: [] });
    expect(reopened.previousServiceUrl).toBeUndefined();
    expect((await EnrollmentState.open(file, '/photos', 'http://other')).previousServiceUrl).toBe('http://svc');
    expect((await EnrollmentState.open(file, '/photos', 'http://svc', true)).person('Ann')).toBeUndefined();
  });

  it('writes concurrent saves one after the other, the last one holding the latest data', async () => {
    const state = await EnrollmentState.open(file, '/photos', 'http://svc');
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      state.startOver(`P${i}`);
      saves.push(state.save());
    }
    await Promise.all(saves);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(saved.people)).toHaveLength(20);
    expect(await readdir(path.dirname(file))).toEqual(['state.json']);
  });

  it('saves synchronously too (the second Ctrl-C)', async () => {
    const state = await EnrollmentState.open(file, '/photos', 'http://svc');
    state.startOver('Bo');
    state.saveNow();
    expect(JSON.parse(await readFile(file, 'utf8')).people.Bo).toEqual({ done: [], failures: [] });
  });

  it('refuses to overwrite a corrupt or foreign file', async () => {
    await EnrollmentState.open(file, '/p', 'u').then((state) => state.save());
    await writeFile(file, '{"version": 1, "people": {');
    await expect(EnrollmentState.open(file, '/p', 'u')).rejects.toThrow(/not valid JSON.*--restart/);
    await writeFile(file, '{"something": "else"}');
    await expect(EnrollmentState.open(file, '/p', 'u')).rejects.toThrow(/not a Face Matrix enrollment state/);
  });
});
