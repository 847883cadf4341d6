import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { toIsoDate } from '../common/dates.js';
import { roundTo } from '../common/geometry.js';
import type { Timed } from '../common/server-timing.js';
import { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import type { EnrollmentKeyMetadata } from '../cache/enrollment-key.js';
import { FaceMatcher } from '../gallery/face-matcher.js';
import type { NearestUser, UserRecord } from '../gallery/gallery-records.js';
import type { DetectedFaceDto, DetectResponseDto } from './dto/face.dto.js';
import type { RecognisedFace, RecogniseFacesResponseDto } from './dto/recognise-faces.dto.js';
import type { CandidateDto, EnrollmentKeyDto, RecogniseResponse, UserInfoDto } from './dto/recognise.dto.js';
import type { VerifyResponseDto } from './dto/verify.dto.js';
import type { DetectedFace } from './face-pipeline.js';
import { GatedFacePipeline } from './gated-face-pipeline.js';

// Distributes over unions, so each recognise outcome keeps its own fields.
type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/**
 * The recognition flow: photo -> most prominent face -> embedding -> nearest enrolled person.
 * A match names the person; a miss parks the vector under a short-lived enrollment key.
 */
@Injectable()
export class RecognitionService {
  constructor(
    private readonly pipeline: GatedFacePipeline,
    private readonly matcher: FaceMatcher,
    private readonly enrollmentCache: EnrollmentCacheService,
  ) {}

  /** The most prominent face; with `candidates`, the answer also lists that many nearest people. */
  async recognise(image: Buffer, candidates?: number): Promise<Timed<WithoutRequestId<RecogniseResponse>>> {
    const { facesDetected, face, embedding, timings } = await this.pipeline.embedLargestFace(image);
    const searchStarted = performance.now();
    const [{ match, enrollable, candidates: nearest }] = await this.matcher.identify([embedding], candidates ?? 1);
    const search = performance.now() - searchStarted;
    const listed = candidates === undefined ? {} : { candidates: nearest.map(toCandidate) };
    if (!match) {
      const key = await this.issueKey(embedding, face);
      return {
        timings: { ...timings, search },
        body: {
          status: 'failure',
          message: 'no_match',
          user_info: null,
          req_id: key.req_id,
          enrollmentKey: key,
          faces_detected: facesDetected,
          ...listed,
        },
      };
    }
    // A match weak enough to be a lookalike ("not me"): it may still enroll as someone new.
    const notMe = enrollable ? await this.issueKey(embedding, face) : undefined;
    return {
      timings: { ...timings, search },
      body: {
        status: 'success',
        message: 'Match found',
        user_info: toUserInfo(match.user),
        similarity: roundTo(match.similarity, 4),
        faces_detected: facesDetected,
        face: { box: face.box, score: roundTo(face.score, 4) },
        ...(notMe && { req_id: notMe.req_id, enrollmentKey: notMe }),
        ...listed,
      },
    };
  }

  /**
   * Every face of a group photo, most prominent first: one embedder batch, one k-NN statement for all
   * of them, and one insert for the keys of those that may enroll (unknown, or "not me").
   */
  async recogniseFaces(image: Buffer, maxFaces: number, candidates: number): Promise<Timed<WithoutRequestId<RecogniseFacesResponseDto>>> {
    const { facesDetected, faces, timings } = await this.pipeline.embedFaces(image, maxFaces);
    const searchStarted = performance.now();
    const identified = await this.matcher.identify(
      faces.map((f) => f.embedding),
      candidates,
    );
    const search = performance.now() - searchStarted;
    const enrollable = identified.flatMap((identification, index) => (identification.enrollable ? [index] : []));
    const issued = await this.issueKeys(enrollable.map((index) => faces[index]));
    const keyOf = new Map(enrollable.map((faceIndex, keyIndex) => [faceIndex, issued[keyIndex]]));
    const answered = faces.map((face, index): RecognisedFace => {
      const { match, candidates: nearest } = identified[index];
      const key = keyOf.get(index);
      const described = describeFace(face.face);
      // Without a match a face is always enrollable (FaceMatcher.identify), so it has its key.
      if (!match)
        return { ...described, status: 'no_match', user_info: null, candidates: nearest.map(toCandidate), req_id: key!.req_id, enrollmentKey: key! };
      return {
        ...described,
        status: 'match',
        user_info: toUserInfo(match.user),
        similarity: roundTo(match.similarity, 4),
        candidates: nearest.map(toCandidate),
        ...(key && { req_id: key.req_id, enrollmentKey: key }),
      };
    });
    return { timings: { ...timings, search }, body: { faces_detected: facesDetected, faces: answered } };
  }

  /** 1:1: the best similarity between the photo's most prominent face and any face of the user. */
  async verify(image: Buffer, userId: string): Promise<Timed<WithoutRequestId<VerifyResponseDto>>> {
    // Checked before the costly pipeline run.
    if (!(await this.matcher.personExists(userId))) throw ApiError.userNotFound();
    const { embedding, timings } = await this.pipeline.embedLargestFace(image);
    const searchStarted = performance.now();
    const { similarity, match, threshold } = await this.matcher.verify(userId, embedding);
    const search = performance.now() - searchStarted;
    return { timings: { ...timings, search }, body: { status: 'success', match, similarity: roundTo(similarity, 4), threshold } };
  }

  async detect(image: Buffer): Promise<Timed<WithoutRequestId<DetectResponseDto>>> {
    const { faces, timings } = await this.pipeline.detect(image);
    const area = (face: DetectedFace) => face.box.width * face.box.height;
    return { timings, body: { faces: [...faces].sort((a, b) => area(b) - area(a)).map(describeFace) } };
  }

  /** Parks the face's vector under a single-use key; the answer carries the key and what it remembers. */
  private async issueKey(embedding: Float32Array, face: DetectedFace): Promise<EnrollmentKeyDto> {
    const [key] = await this.issueKeys([{ embedding, face }]);
    return key;
  }

  /** issueKey for several faces in one insert. */
  private async issueKeys(faces: readonly { embedding: Float32Array; face: DetectedFace }[]): Promise<EnrollmentKeyDto[]> {
    if (faces.length === 0) return [];
    const withMetadata = faces.map(({ embedding, face }) => ({ embedding, metadata: enrollmentKeyMetadata(face) }));
    const keys = await this.enrollmentCache.issueMany(withMetadata);
    return keys.map((key, index) => ({ req_id: key.reqId, expiresAt: key.expiresAt.toISOString(), metadata: withMetadata[index].metadata }));
  }
}

function toUserInfo(user: UserRecord): UserInfoDto {
  return { id: user.id, name: user.name, birthdate: toIsoDate(user.birthdate), email: user.email };
}

function toCandidate(person: NearestUser): CandidateDto {
  return { user_id: person.user.id, name: person.user.name, similarity: roundTo(person.similarity, 4) };
}

/** A face as /detect and the group route show it: rounded, in original-image pixels. */
function describeFace(face: DetectedFace): DetectedFaceDto {
  return {
    box: face.box,
    score: roundTo(face.score, 4),
    landmarks: face.landmarks.map(([x, y]) => [roundTo(x, 1), roundTo(y, 1)] as [number, number]),
    quality: roundTo(face.quality, 4),
  };
}

function enrollmentKeyMetadata(face: DetectedFace): EnrollmentKeyMetadata {
  return { detection_score: roundTo(face.score, 4), box: face.box, face_size_px: face.faceSizePx, quality: roundTo(face.quality, 4) };
}
