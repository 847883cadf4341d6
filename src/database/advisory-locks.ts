/** PostgreSQL advisory lock keys, in one place so that no two uses collide. Arbitrary constants. */
export const AdvisoryLock = {
  /** Replicas starting together against one database take turns at migrating it. */
  MIGRATIONS: 7_234_001,
  /** Enrollments take turns at "is this face enrolled yet? no: insert it". */
  ENROLLMENT: 7_234_002,
  /** Replicas starting together take turns at checking the gallery's embedder (and resizing its empty vector columns). */
  GALLERY_EMBEDDER: 7_234_003,
} as const;
