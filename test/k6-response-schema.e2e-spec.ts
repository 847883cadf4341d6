import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/*
 * The k6 scripts cannot run here (no k6 binary); their response checks live in plain JS so this
 * suite can hold them to API.md's examples, and Node at least parses every script.
 */

let schema: {
  recogniseBodyProblems(body: unknown): string[];
  errorEnvelopeProblems(body: unknown, errorCode?: number): string[];
  addUserBodyProblems(body: unknown): string[];
  FACE_NOT_DETECTED: number;
};

beforeAll(async () => {
  schema = await import(pathToFileURL(resolve('k6/lib/recognise-schema.js')).href);
});

const match = {
  status: 'success',
  message: 'Match found',
  user_info: { id: '8d0f4a52-3b1e-4a57-9a43-0c9f3c1d2e11', name: 'John Doe', birthdate: '1990-01-01', email: null },
  similarity: 0.81,
  faces_detected: 1,
  face: { box: { x: 10, y: 20, width: 90, height: 110 }, score: 0.99 },
  requestId: 'req-1',
};
const noMatch = {
  status: 'failure',
  message: 'no_match',
  user_info: null,
  req_id: 'k3y',
  enrollmentKey: {
    req_id: 'k3y',
    expiresAt: '2026-11-28T02:00:00.000Z',
    metadata: { detection_score: 0.99, box: { x: 0, y: 0, width: 0, height: 0 }, face_size_px: 110, quality: 0.87 },
  },
  faces_detected: 1,
  requestId: 'req-2',
};

describe('k6 response checks', () => {
  it("accept API.md's match and no-match examples", () => {
    expect(schema.recogniseBodyProblems(match)).toEqual([]);
    expect(schema.recogniseBodyProblems(noMatch)).toEqual([]);
  });

  it('catch a body that breaks the contract', () => {
    expect(schema.recogniseBodyProblems({ ...match, similarity: '0.8' })).toContain('similarity must be a number');
    expect(schema.recogniseBodyProblems({ ...noMatch, enrollmentKey: { ...noMatch.enrollmentKey, req_id: 'other' } })).toContain(
      'enrollmentKey.req_id must equal req_id',
    );
    expect(schema.recogniseBodyProblems({ ...noMatch, requestId: undefined })).toContain('requestId missing');
    expect(schema.recogniseBodyProblems({ ...match, status: 'ok' })).toHaveLength(1);
  });

  it('check the error envelope and add_user answers', () => {
    const noFace = { status: 'error', error_code: 601, message: 'Face not detected in the image', requestId: 'r' };
    expect(schema.errorEnvelopeProblems(noFace, schema.FACE_NOT_DETECTED)).toEqual([]);
    expect(schema.errorEnvelopeProblems({ ...noFace, error_code: 415 }, 601)).toEqual(['error_code must be 601, got 415']);
    expect(schema.addUserBodyProblems({ status: 'success', message: 'User added successfully', user_id: 'u', requestId: 'r' })).toEqual([]);
    expect(schema.addUserBodyProblems({ status: 'success' })).toEqual(['user_id missing', 'requestId missing']);
  });

  it.each(['k6/recognise.js', 'k6/enroll.js', 'k6/lib/images.js'])('%s parses as an ES module', (script) => {
    expect(() => execFileSync(process.execPath, ['--check', script], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('k6 image loading', () => {
  const k6Globals = globalThis as unknown as { __ENV: Record<string, string>; open: (path: string, mode?: string) => string };
  let images: { loadImages(): { name: string; bytes: string }[] };
  const opened: string[] = [];

  beforeAll(async () => {
    images = await import(pathToFileURL(resolve('k6/lib/images.js')).href);
    k6Globals.open = (path: string) => {
      opened.push(path);
      return path.endsWith('images.txt') ? './a/one.jpg\n/elsewhere/two.png\n' : `bytes of ${path}`;
    };
  });
  afterAll(() => {
    delete (globalThis as Record<string, unknown>).open;
    delete (globalThis as Record<string, unknown>).__ENV;
  });

  it('refuses a relative IMAGES_DIR, which k6 would resolve against k6/lib/ instead of the working directory', () => {
    k6Globals.__ENV = { IMAGES_DIR: '../shared/data/lfw-dev/images' };
    expect(() => images.loadImages()).toThrow(/IMAGES_DIR must be an absolute path.*realpath/);
    k6Globals.__ENV = { IMAGES_DIR: '/photos', IMAGES_LIST: 'list.txt' };
    expect(() => images.loadImages()).toThrow(/IMAGES_LIST must be an absolute path/);
  });

  it('reads the list from IMAGES_DIR and each photo by an absolute path', () => {
    k6Globals.__ENV = { IMAGES_DIR: '/photos/' };
    opened.length = 0;
    expect(images.loadImages().map((image) => image.name)).toEqual(['one.jpg', 'two.png']);
    expect(opened).toEqual(['/photos/images.txt', '/photos/a/one.jpg', '/elsewhere/two.png']);
  });
});
