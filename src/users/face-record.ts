/** What is stored with each face vector, besides the vector itself. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface NewFace {
  embedding: Float32Array;
  detectionScore: number;
  box: FaceBox;
  quality: number;
}

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

export interface NearestUser {
  user: UserRecord;
  faceId: string;
  similarity: number;
}
