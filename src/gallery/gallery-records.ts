import type { Box } from '../common/geometry.js';

/** A face vector to store, with what the detector said about it. */
export interface NewFace {
  /** L2-normalised embedding. Biometric data: never log it. */
  embedding: Float32Array;
  detectionScore: number;
  box: Box;
  quality: number;
}

/** A person as stored: the users table row. */
export interface UserRecord {
  id: string;
  name: string;
  birthdate: Date;
  email: string | null;
  createdAt: Date;
}

export interface UserWithFaceCount extends UserRecord {
  faceCount: number;
}

/** One enrolled person near a probe: their best face's cosine similarity. */
export interface NearestUser {
  user: UserRecord;
  faceId: string;
  similarity: number;
}
