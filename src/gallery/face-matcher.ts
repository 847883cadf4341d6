import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import type { DbClient } from '../database/db-client.js';
import { FacesRepository } from './faces.repository.js';
import type { NearestUser } from './gallery-records.js';
import { matchThresholds, MatchThresholds } from './thresholds.js';

/** What the gallery says about one probe face. */
export interface Identification {
  /** The nearest person when they reach the match threshold. */
  readonly match?: NearestUser;
  /** The nearest distinct people, best first, including those below the threshold. */
  readonly candidates: readonly NearestUser[];
  /**
   * Whether this face may enroll as a new person: no match, or a match below the duplicate threshold
   * ("not me": a lookalike mistaken for someone). The answer then carries an enrollment key.
   */
  readonly enrollable: boolean;
}

/** How one photo compares with one person's enrolled faces (1:1). */
export interface Verification {
  /** Best cosine similarity with any of their faces; -1 when they have none. */
  readonly similarity: number;
  readonly match: boolean;
  readonly threshold: number;
}

/** Faces looked at when checking that a new face is nobody else's: the nearest few people. */
const DUPLICATE_CANDIDATES = 5;

/**
 * "Nearest face -> match or not", in one place for recognition, verification and enrollment:
 * it owns the thresholds and turns the k-NN answer into decisions.
 */
@Injectable()
export class FaceMatcher {
  readonly thresholds: MatchThresholds;

  constructor(
    private readonly faces: FacesRepository,
    config: AppConfig,
  ) {
    this.thresholds = matchThresholds(config);
  }

  /** For each probe, its nearest `candidates` people and whether the nearest is a match; one SQL statement. */
  async identify(probes: readonly Float32Array[], candidates = 1): Promise<Identification[]> {
    const nearest = await this.faces.nearestUsers(probes, candidates);
    return nearest.map((people) => {
      const best = people[0] as NearestUser | undefined;
      return {
        match: best && best.similarity >= this.thresholds.match ? best : undefined,
        candidates: people,
        enrollable: !best || best.similarity < this.thresholds.duplicate,
      };
    });
  }

  /**
   * The enrolled person (other than `ownerId`) whose face this already is, if any: one person, one
   * identity. The duplicate threshold is stricter than the match threshold, so lookalikes may enroll
   * while the same face twice may not. Runs on the enrollment transaction's client, so it sees what that transaction sees.
   */
  async findEnrolledElsewhere(embedding: Float32Array, db: DbClient, ownerId?: string): Promise<NearestUser | undefined> {
    const [people] = await this.faces.nearestUsers([embedding], DUPLICATE_CANDIDATES, db);
    return people.find((person) => person.user.id !== ownerId && person.similarity >= this.thresholds.duplicate);
  }

  /** 1:1: the photo's face against every face of one person. */
  async verify(userId: string, embedding: Float32Array): Promise<Verification> {
    const similarity = (await this.faces.bestSimilarityForUser(userId, embedding)) ?? -1;
    return { similarity, match: similarity >= this.thresholds.verify, threshold: this.thresholds.verify };
  }

  personExists(userId: string): Promise<boolean> {
    return this.faces.userExists(userId);
  }
}
