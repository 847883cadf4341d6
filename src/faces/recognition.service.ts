import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { toIsoDate } from '../common/dates.js';
import { roundTo } from '../common/geometry.js';
import type { Timed } from '../common/server-timing.js';
import { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import type { EnrollmentKeyMetadata } from '../cache/enrollment-key.js';
import { FaceMatcher } from '../gallery/face-matcher.js';
import type { UserRecord } from '../gallery/gallery-records.js';
import type { DetectResponseDto } from './dto/face.dto.js';
import type { EnrollmentKeyDto, RecogniseResponse, UserInfoDto } from './dto/recognise.dto.js';
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

  async recognise(image: Buffer): Promise<Timed<WithoutRequestId<RecogniseResponse>>> {
    const { facesDetected, face, embedding, timings } = await this.pipeline.embedLargestFace(image);
    const searchStarted = performance.now();
    const [{ match, enrollable }] = await this.matcher.identify([embedding]);
    const search = performance.now() - searchStarted;
    if (!match) {
      const key = await this.issueKey(embedding, face);
      return {
        timings: { ...timings, search },
        body: { status: 'failure', message: 'no_match', user_info: null, req_id: key.req_id, enrollmentKey: key, faces_detected: facesDetected },
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
      },
    };
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
    return {
      timings,
      body: {
        faces: [...faces]
          .sort((a, b) => area(b) - area(a))
          .map((face) => ({
            box: face.box,
            score: roundTo(face.score, 4),
            landmarks: face.landmarks.map(([x, y]) => [roundTo(x, 1), roundTo(y, 1)] as [number, number]),
            quality: roundTo(face.quality, 4),
          })),
      },
    };
  }

  /** Parks the face's vector under a single-use key; the answer carries the key and what it remembers. */
  private async issueKey(embedding: Float32Array, face: DetectedFace): Promise<EnrollmentKeyDto> {
    const metadata = enrollmentKeyMetadata(face);
    const key = await this.enrollmentCache.issue(embedding, metadata);
    return { req_id: key.reqId, expiresAt: key.expiresAt.toISOString(), metadata };
  }
}

function toUserInfo(user: UserRecord): UserInfoDto {
  return { id: user.id, name: user.name, birthdate: toIsoDate(user.birthdate), email: user.email };
}

function enrollmentKeyMetadata(face: DetectedFace): EnrollmentKeyMetadata {
  return { detection_score: roundTo(face.score, 4), box: face.box, face_size_px: face.faceSizePx, quality: roundTo(face.quality, 4) };
}

