import type { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import type { EnrollmentKeyMetadata } from '../cache/enrollment-key.js';
import { ApiError } from '../common/api-error.js';
import type { FaceMatcher, Identification } from '../gallery/face-matcher.js';
import type { DetectedFace, EmbeddedFace } from './face-pipeline.js';
import type { GatedFacePipeline } from './gated-face-pipeline.js';
import { RecognitionService } from './recognition.service.js';

const face: DetectedFace = {
  box: { x: 10, y: 20, width: 90, height: 110 },
  score: 0.987654,
  landmarks: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]],
  quality: 0.876543,
  faceSizePx: 110,
};
const embedded: EmbeddedFace = { facesDetected: 2, face, embedding: new Float32Array(512).fill(0.1), timings: { decode: 1, detect: 2 } };
const jane = { id: 'd4c7', name: 'Jane', birthdate: new Date('1990-01-02T00:00:00Z'), email: 'jane@example.com', createdAt: new Date() };

/** The service with every boundary faked: the gated pipeline, the matcher and the key cache. */
function serviceWith(identification: Identification, personExists = true) {
  const issued: { embedding: Float32Array; metadata: EnrollmentKeyMetadata }[] = [];
  const pipeline = { embedLargestFace: async () => embedded } as unknown as GatedFacePipeline;
  const matcher = {
    identify: async () => [identification],
    personExists: async () => personExists,
    verify: async () => ({ similarity: 0.612345, match: true, threshold: 0.48 }),
  } as unknown as FaceMatcher;
  const cache = {
    issue: async (embedding: Float32Array, metadata: EnrollmentKeyMetadata) => {
      issued.push({ embedding, metadata });
      return { reqId: 'key-1', expiresAt: new Date('2030-01-01T00:00:00Z') };
    },
  } as unknown as EnrollmentCacheService;
  return { service: new RecognitionService(pipeline, matcher, cache), issued };
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
      req_id: 'key-1',
      enrollmentKey: { req_id: 'key-1', expiresAt: '2030-01-01T00:00:00.000Z', metadata },
      faces_detected: 2,
    });
    expect(issued).toEqual([{ embedding: embedded.embedding, metadata }]);
  });

  it('gives a weak match ("not me") a key that enrolls the face as someone new', async () => {
    const { service, issued } = serviceWith({ match: { user: jane, faceId: 'f', similarity: 0.52 }, candidates: [], enrollable: true });
    const { body } = await service.recognise(Buffer.from('photo'));
    expect(body).toMatchObject({ status: 'success', user_info: { id: 'd4c7' }, req_id: 'key-1', enrollmentKey: { req_id: 'key-1' } });
    expect(issued).toHaveLength(1);
  });

  it('verifies against the matcher, and an unknown person is a 404 before the pipeline runs', async () => {
    const { service } = serviceWith({ candidates: [], enrollable: true });
    expect((await service.verify(Buffer.from('photo'), 'd4c7')).body).toEqual({ status: 'success', match: true, similarity: 0.6123, threshold: 0.48 });
    const { service: noPerson } = serviceWith({ candidates: [], enrollable: true }, false);
    await expect(noPerson.verify(Buffer.from('photo'), 'nobody')).rejects.toMatchObject({ httpStatus: 404, errorCode: ApiError.userNotFound().errorCode });
  });
});
