import type { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import type { EnrollmentKeyMetadata } from '../cache/enrollment-key.js';
import { ApiError } from '../common/api-error.js';
import type { FaceMatcher, Identification } from '../gallery/face-matcher.js';
import type { UserRecord } from '../gallery/gallery-records.js';
import type { DetectedFace, EmbeddedFace, EmbeddedFaces } from './face-pipeline.js';
import type { GatedFacePipeline } from './gated-face-pipeline.js';
import { RecognitionService } from './recognition.service.js';

const face: DetectedFace = {
  box: { x: 10, y: 20, width: 90, height: 110 },
  score: 0.987654,
  landmarks: [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
    [9, 10],
  ],
  quality: 0.876543,
  faceSizePx: 110,
};
const embedded: EmbeddedFace = { facesDetected: 2, face, embedding: new Float32Array(512).fill(0.1), timings: { decode: 1, detect: 2 } };
const jane = { id: 'd4c7', name: 'Jane', birthdate: new Date('1990-01-02T00:00:00Z'), email: 'jane@example.com', createdAt: new Date() };

const john = { id: 'a1b2', name: 'John', birthdate: new Date('1980-05-06T00:00:00Z'), email: null, createdAt: new Date() };
const near = (user: UserRecord, similarity: number) => ({ user, faceId: `face-of-${user.id}`, similarity });

/** The service with every boundary faked: the gated pipeline, the matcher and the key cache. */
function serviceWith(identifications: Identification | Identification[], personExists = true, group?: EmbeddedFaces) {
  const issued: { embedding: Float32Array; metadata: EnrollmentKeyMetadata }[][] = [];
  const asked: { probes: number; candidates: number }[] = [];
  const pipeline = { embedLargestFace: async () => embedded, embedFaces: async () => group } as unknown as GatedFacePipeline;
  const matcher = {
    identify: async (probes: Float32Array[], candidates: number) => {
      asked.push({ probes: probes.length, candidates });
      return Array.isArray(identifications) ? identifications : [identifications];
    },
    personExists: async () => personExists,
    verify: async () => ({ similarity: 0.612345, match: true, threshold: 0.48 }),
  } as unknown as FaceMatcher;
  const cache = {
    issueMany: async (faces: { embedding: Float32Array; metadata: EnrollmentKeyMetadata }[]) => {
      issued.push(faces);
      return faces.map((_, i) => ({ reqId: `key-${issued.length}-${i}`, expiresAt: new Date('2030-01-01T00:00:00Z') }));
    },
  } as unknown as EnrollmentCacheService;
  return { service: new RecognitionService(pipeline, matcher, cache), issued, asked };
}

describe('RecognitionService', () => {
  it('names the matched person, with rounded similarity and the face used, and issues no key', async () => {
    const { service, issued } = serviceWith({ match: { user: jane, faceId: 'f', similarity: 0.812345 }, candidates: [], enrollable: false });
    const { body, timings } = await service.recognise(Buffer.from('photo'));
    expect(body).toEqual({
      status: 'success',
      message: 'Match found',
      user_info: { id: 'd4c7', name: 'Jane', birthdate: '1990-01-02', email: 'jane@example.com' },
      similarity: 0.8123,
      faces_detected: 2,
      face: { box: face.box, score: 0.9877 },
    });
    expect(issued).toHaveLength(0);
    expect(timings).toMatchObject({ decode: 1, detect: 2, search: expect.any(Number) });
  });

  it('parks the vector of an unknown face under a key whose metadata the client also gets', async () => {
    const { service, issued } = serviceWith({ match: undefined, candidates: [], enrollable: true });
    const { body } = await service.recognise(Buffer.from('photo'));
    const metadata = { detection_score: 0.9877, box: face.box, face_size_px: 110, quality: 0.8765 };
    expect(body).toEqual({
      status: 'failure',
      message: 'no_match',
      user_info: null,
      req_id: 'key-1-0',
      enrollmentKey: { req_id: 'key-1-0', expiresAt: '2030-01-01T00:00:00.000Z', metadata },
      faces_detected: 2,
    });
    expect(issued).toEqual([[{ embedding: embedded.embedding, metadata }]]);
  });

  it('gives a weak match ("not me") a key that enrolls the face as someone new', async () => {
    const { service, issued } = serviceWith({ match: { user: jane, faceId: 'f', similarity: 0.52 }, candidates: [], enrollable: true });
    const { body } = await service.recognise(Buffer.from('photo'));
    expect(body).toMatchObject({ status: 'success', user_info: { id: 'd4c7' }, req_id: 'key-1-0', enrollmentKey: { req_id: 'key-1-0' } });
    expect(issued).toHaveLength(1);
  });

  it('verifies against the matcher, and an unknown person is a 404 before the pipeline runs', async () => {
    const { service } = serviceWith({ candidates: [], enrollable: true });
    expect((await service.verify(Buffer.from('photo'), 'd4c7')).body).toEqual({
      status: 'success',
      match: true,
      similarity: 0.6123,
      threshold: 0.48,
    });
    const { service: noPerson } = serviceWith({ candidates: [], enrollable: true }, false);
    await expect(noPerson.verify(Buffer.from('photo'), 'nobody')).rejects.toMatchObject({
      httpStatus: 404,
      errorCode: ApiError.userNotFound().errorCode,
    });
  });

  it('lists candidates on recognise_user only when asked, and asks the matcher for that many', async () => {
    const identification = { match: near(jane, 0.812345), candidates: [near(jane, 0.812345), near(john, 0.301)], enrollable: false };
    const plain = serviceWith(identification);
    expect((await plain.service.recognise(Buffer.from('photo'))).body).not.toHaveProperty('candidates');
    expect(plain.asked).toEqual([{ probes: 1, candidates: 1 }]);
    const asking = serviceWith(identification);
    const { body } = await asking.service.recognise(Buffer.from('photo'), 2);
    expect(body.candidates).toEqual([
      { user_id: 'd4c7', name: 'Jane', similarity: 0.8123 },
      { user_id: 'a1b2', name: 'John', similarity: 0.301 },
    ]);
    expect(asking.asked).toEqual([{ probes: 1, candidates: 2 }]);
  });

  it('answers every face of a group photo: one k-NN call for all, one batch of keys for the unknown and "not me" faces', async () => {
    const faceAt = (x: number, faceSizePx = 110): DetectedFace => ({ ...face, box: { ...face.box, x }, faceSizePx });
    const group: EmbeddedFaces = {
      facesDetected: 5,
      faces: [0, 1, 2].map((i) => ({ face: faceAt(100 * i), embedding: new Float32Array(512).fill(i) })),
      timings: { decode: 1, detect: 2, embed: 3 },
    };
    const { service, issued, asked } = serviceWith(
      [
        { match: near(jane, 0.9), candidates: [near(jane, 0.9), near(john, 0.2)], enrollable: false },
        { match: undefined, candidates: [near(john, 0.31)], enrollable: true },
        { match: near(john, 0.52), candidates: [near(john, 0.52)], enrollable: true },
      ],
      true,
      group,
    );
    const { body, timings } = await service.recogniseFaces(Buffer.from('photo'), 10, 2);
    expect(asked).toEqual([{ probes: 3, candidates: 2 }]);
    expect(issued).toHaveLength(1);
    expect(issued[0].map((entry) => entry.embedding)).toEqual([group.faces[1].embedding, group.faces[2].embedding]);
    expect(timings).toMatchObject({ decode: 1, embed: 3, search: expect.any(Number) });
    expect(body.faces_detected).toBe(5);
    const [known, unknown, notMe] = body.faces;
    expect(known).toEqual({
      box: { ...face.box, x: 0 },
      score: 0.9877,
      landmarks: face.landmarks,
      quality: 0.8765,
      status: 'match',
      user_info: { id: 'd4c7', name: 'Jane', birthdate: '1990-01-02', email: 'jane@example.com' },
      similarity: 0.9,
      candidates: [
        { user_id: 'd4c7', name: 'Jane', similarity: 0.9 },
        { user_id: 'a1b2', name: 'John', similarity: 0.2 },
      ],
    });
    expect(unknown).toMatchObject({ status: 'no_match', user_info: null, candidates: [{ user_id: 'a1b2', similarity: 0.31 }], req_id: 'key-1-0' });
    expect(unknown).toHaveProperty('enrollmentKey.metadata.box', { ...face.box, x: 100 });
    expect(unknown).not.toHaveProperty('similarity');
    expect(notMe).toMatchObject({
      status: 'match',
      user_info: { id: 'a1b2' },
      similarity: 0.52,
      req_id: 'key-1-1',
      enrollmentKey: { req_id: 'key-1-1' },
    });
  });

  it('issues no key and runs no insert when every face of a group is known', async () => {
    const group: EmbeddedFaces = { facesDetected: 1, faces: [{ face, embedding: embedded.embedding }], timings: {} };
    const { service, issued } = serviceWith([{ match: near(jane, 0.95), candidates: [near(jane, 0.95)], enrollable: false }], true, group);
    const { body } = await service.recogniseFaces(Buffer.from('photo'), 10, 1);
    expect(body.faces[0]).not.toHaveProperty('req_id');
    expect(issued).toEqual([]);
  });
});
