import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import type { Timed } from '../common/server-timing.js';
import { AppConfig } from '../config/app-config.js';
import { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import { FacesRepository } from '../users/faces.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { toIsoDate } from '../users/dto/user.dto.js';
import type { DetectResponseDto } from './dto/face.dto.js';
import type { RecogniseResponse } from './dto/recognise.dto.js';
import type { VerifyResponseDto } from './dto/verify.dto.js';
import { DetectedFace, FacePipeline } from './face-pipeline.js';
import { matchThreshold } from './match-threshold.js';
import { PipelineAdmission } from './pipeline-admission.js';

/** What an enrollment key remembers about its face, besides the vector. */
export interface EnrollmentMetadata {
  detection_score: number;
  box: DetectedFace['box'];
  face_size_px: number;
  quality: number;
}

// Distributes over unions, so each recognise outcome keeps its own fields.
type WithoutRequestId<T> = T extends unknown ? Omit<T, 'requestId'> : never;

/**
 * The recognition flow: photo -> largest face -> embedding -> nearest enrolled face.
 * A match names the person; a miss parks the vector under a short-lived enrollment key.
 */
@Injectable()
export class RecognitionService {
  readonly threshold: number;

  constructor(
    private readonly pipeline: FacePipeline,
    private readonly faces: FacesRepository,
    private readonly users: UsersRepository,
    private readonly enrollmentCache: EnrollmentCacheService,
    private readonly admission: PipelineAdmission,
    config: AppConfig,
  ) {
    this.threshold = matchThreshold(config);
  }

  async recognise(image: Buffer): Promise<Timed<WithoutRequestId<RecogniseResponse>>> {
    const { facesDetected, face, embedding, timings } = await this.admission.run(() => this.pipeline.embedLargestFace(image));
    const searchStarted = performance.now();
    const [best] = await this.faces.findNearest(embedding, 1);
    const search = performance.now() - searchStarted;

    if (best && best.similarity >= this.threshold) {
      const { user } = best;
      return {
        timings: { ...timings, search },
        body: {
          status: 'success',
          message: 'Match found',
          user_info: { id: user.id, name: user.name, birthdate: toIsoDate(user.birthdate), email: user.email },
          similarity: round(best.similarity),
          faces_detected: facesDetected,
          face: { box: face.box, score: round(face.score) },
        },
      };
    }

    const metadata: EnrollmentMetadata = {
      detection_score: round(face.score),
      box: face.box,
      face_size_px: face.faceSizePx,
      quality: round(face.quality),
    };
    const key = await this.enrollmentCache.issue(embedding, metadata);
    return {
      timings: { ...timings, search },
      body: {
        status: 'failure',
        message: 'no_match',
        user_info: null,
        req_id: key.reqId,
        enrollmentKey: { req_id: key.reqId, expiresAt: key.expiresAt.toISOString(), metadata },
        faces_detected: facesDetected,
      },
    };
  }

  /** 1:1: the best similarity between the photo's largest face and any face of the user. */
  async verify(image: Buffer, userId: string): Promise<Timed<WithoutRequestId<VerifyResponseDto>>> {
    if (!(await this.users.exists(userId))) throw ApiError.userNotFound();
    const { embedding, timings } = await this.admission.run(() => this.pipeline.embedLargestFace(image));
    const searchStarted = performance.now();
    const similarity = (await this.faces.bestSimilarityForUser(userId, embedding)) ?? -1;
    const search = performance.now() - searchStarted;
    return {
      timings: { ...timings, search },
      body: { status: 'success', match: similarity >= this.threshold, similarity: round(similarity), threshold: this.threshold },
    };
  }

  async detect(image: Buffer): Promise<Timed<WithoutRequestId<DetectResponseDto>>> {
    const { faces, timings } = await this.admission.run(() => this.pipeline.detect(image));
    const area = (face: DetectedFace) => face.box.width * face.box.height;
    return {
      timings,
      body: {
        faces: [...faces]
          .sort((a, b) => area(b) - area(a))
          .map((face) => ({
            box: face.box,
            score: round(face.score),
            landmarks: face.landmarks.map(([x, y]) => [round(x, 1), round(y, 1)] as [number, number]),
            quality: round(face.quality),
          })),
      },
    };
  }
}

function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
