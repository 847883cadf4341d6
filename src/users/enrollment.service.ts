import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { roundTo } from '../common/geometry.js';
import { EnrollmentCacheService } from '../cache/enrollment-cache.service.js';
import { lockEnrollments } from '../database/enrollment-lock.js';
import { PrismaService } from '../database/prisma.service.js';
import type { DbClient } from '../database/db-client.js';
import { GatedFacePipeline } from '../faces/gated-face-pipeline.js';
import { FaceMatcher } from '../gallery/face-matcher.js';
import { FacesRepository } from '../gallery/faces.repository.js';
import type { NewFace } from '../gallery/gallery-records.js';
import { Prisma } from '../generated/prisma/client.js';
import { UsersRepository } from './users.repository.js';

/** Where the new face comes from: a fresh photo, or the vector parked by a recognise_user no-match. */
export type FaceSource = { image: Buffer; reqId?: undefined } | { reqId: string; image?: undefined };

export interface NewPerson {
  name: string;
  birthdate: string;
  email?: string;
}

/**
 * Enrollment: a person and their first face in one transaction, or another face for a person.
 * An enrollment key is taken inside that transaction, so a refused enrollment (duplicate face,
 * email taken) rolls back and leaves the key usable until it expires. Enrollments take turns
 * (lockEnrollments), so that two of one face cannot both pass the duplicate check.
 */
@Injectable()
export class EnrollmentService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pipeline: GatedFacePipeline,
    private readonly matcher: FaceMatcher,
    private readonly users: UsersRepository,
    private readonly faces: FacesRepository,
    private readonly enrollmentCache: EnrollmentCacheService,
  ) {}

  async addUser(person: NewPerson, source: FaceSource): Promise<string> {
    const fromPhoto = source.image ? await this.faceFromPhoto(source.image) : undefined;
    try {
      return await this.prisma.$transaction(async (tx) => {
        await lockEnrollments(tx);
        const face = fromPhoto ?? (await this.faceFromKey(source.reqId!, tx));
        await this.refuseEnrolledFace(face, tx);
        if (person.email && (await this.users.emailTaken(person.email, tx))) throw ApiError.emailTaken();
        const user = await this.users.create(
          { name: person.name, birthdate: new Date(`${person.birthdate}T00:00:00Z`), email: person.email ?? null },
          tx,
        );
        await this.faces.insert(user.id, face, tx);
        return user.id;
      });
    } catch (error) {
      // Two concurrent enrollments with one email: the unique index decides, the loser gets a 409.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw ApiError.emailTaken();
      throw error;
    }
  }

  async addFace(userId: string, source: FaceSource): Promise<string> {
    // Checked before the costly pipeline run, and again inside the transaction against a concurrent delete.
    if (!(await this.users.exists(userId))) throw ApiError.userNotFound();
    const fromPhoto = source.image ? await this.faceFromPhoto(source.image) : undefined;
    return this.prisma.$transaction(async (tx) => {
      await lockEnrollments(tx);
      const face = fromPhoto ?? (await this.faceFromKey(source.reqId!, tx));
      await this.refuseEnrolledFace(face, tx, userId);
      if (!(await this.users.exists(userId, tx))) throw ApiError.userNotFound();
      return this.faces.insert(userId, face, tx);
    });
  }

  private async faceFromPhoto(image: Buffer): Promise<NewFace> {
    const { face, embedding } = await this.pipeline.embedLargestFace(image);
    return { embedding, detectionScore: face.score, box: face.box, quality: face.quality };
  }

  private async faceFromKey(reqId: string, tx: DbClient): Promise<NewFace> {
    const cached = await this.enrollmentCache.take(reqId, tx);
    if (!cached) throw ApiError.enrollmentKeyNotFound();
    const { detection_score, box, quality } = cached.metadata;
    return { embedding: cached.embedding, detectionScore: detection_score, box, quality };
  }

  /** One person, one identity: a face that already belongs to someone else is a 409 naming them. */
  private async refuseEnrolledFace(face: NewFace, tx: DbClient, ownerId?: string): Promise<void> {
    const other = await this.matcher.findEnrolledElsewhere(face.embedding, tx, ownerId);
    if (other) throw ApiError.faceAlreadyEnrolled(other.user.id, roundTo(other.similarity, 4));
  }
}
